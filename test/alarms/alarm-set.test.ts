import { App, CfnResource, Duration, Stack, aws_cloudwatch as cloudwatch, aws_cloudwatch_actions as cloudwatch_actions } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import {
  AlarmRouting, AlarmSet, AlarmSetProps, AlarmSeverity, AlertTopic, AnomalyDirection,
  MetricsInsightsAggregation, MetricsInsightsOrder, MetricsInsightsQuery, ResourceTagsForTelemetry,
} from '../../src';
import { expectNagClean, newAlertTopic, newStack, stableTemplate } from '../helpers';

const cpu = new cloudwatch.Metric({ namespace: 'AWS/EC2', metricName: 'CPUUtilization', dimensionsMap: { InstanceId: 'i-0123456789abcdef0' } });

function build(props: Partial<AlarmSetProps> = {}, stack: Stack = newStack()) {
  const alerts = newAlertTopic(stack, { failedDeliveryAlarm: false });
  const set = new AlarmSet(stack, 'Fleet', { routing: AlarmRouting.toTopic(alerts), ...props });
  return { stack, alerts, set, template: () => Template.fromStack(stack) };
}

const TOPIC = { Ref: Match.stringLikeRegexp('^Alerts') };

describe('AlarmRouting', () => {
  test('routes each severity to its topics; warning and info fall back', () => {
    const stack = newStack();
    const pager = new AlertTopic(stack, 'Pager', { emails: ['p@example.com'] });
    const team = new AlertTopic(stack, 'Team', { emails: ['t@example.com'] });
    expect(new AlarmRouting({ critical: [pager] }).topicsFor(AlarmSeverity.INFO)).toEqual([pager]);
    const routing = new AlarmRouting({ critical: [pager, team], warning: [team] });
    expect(routing.topicsFor(AlarmSeverity.CRITICAL)).toEqual([pager, team]);
    expect(routing.topicsFor(AlarmSeverity.WARNING)).toEqual([team]);
    expect(routing.topicsFor(AlarmSeverity.INFO)).toEqual([team]);
  });

  test('OK and insufficient-data notifications as configured', () => {
    const stack = newStack();
    const alerts = new AlertTopic(stack, 'Alerts', { emails: ['a@example.com'], failedDeliveryAlarm: false });
    const set = new AlarmSet(stack, 'Set', { routing: new AlarmRouting({ critical: [alerts], notifyOnOk: false, notifyOnInsufficientData: true }) });
    set.addAlarm('Cpu', cpu, { threshold: 90 });
    const props = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm'))[0].Properties;
    expect(props.OKActions).toBeUndefined();
    expect(props.InsufficientDataActions).toEqual([{ Ref: expect.stringMatching(/^Alerts/) }]);
  });

  test('fails without a critical topic', () => {
    expect(() => new AlarmRouting({ critical: [] })).toThrow(/critical must be a list of at least one alert topic, got \[\]/);
  });
});

describe('AlarmSet', () => {
  test('composite alarms nest AND, OR and NOT, with an actions suppressor', () => {
    const { set, template } = build({ alarmNamePrefix: 'shop' });
    const high = set.addAlarm('CpuHigh', cpu, { threshold: 90 });
    const errors = set.addAlarm('Errors', new cloudwatch.Metric({ namespace: 'Shop', metricName: 'Errors' }), { threshold: 10 });
    const maintenance = set.addAlarm('Maintenance', new cloudwatch.Metric({ namespace: 'Shop', metricName: 'Maintenance' }), { threshold: 1, severity: AlarmSeverity.INFO });
    const composite = set.addCompositeAlarm('Degraded', {
      rule: cloudwatch.AlarmRule.allOf(
        cloudwatch.AlarmRule.anyOf(
          cloudwatch.AlarmRule.fromAlarm(high, cloudwatch.AlarmState.ALARM),
          cloudwatch.AlarmRule.fromAlarm(errors, cloudwatch.AlarmState.ALARM),
        ),
        cloudwatch.AlarmRule.not(cloudwatch.AlarmRule.fromAlarm(maintenance, cloudwatch.AlarmState.ALARM)),
      ),
      actionsSuppressor: maintenance,
      actionsSuppressorExtensionPeriod: Duration.minutes(15),
      description: 'The shop is slow and failing. Page the on-call.',
    });
    expect(set.alarms).toContain(composite);
    const props = Object.values(template().findResources('AWS::CloudWatch::CompositeAlarm'))[0].Properties;
    const rule = props.AlarmRule['Fn::Join'][1].filter((p: unknown) => typeof p === 'string').join('#');
    expect(rule).toBe('((ALARM("#") OR ALARM("#")) AND (NOT (ALARM("#"))))');
    expect(props).toEqual(expect.objectContaining({
      AlarmName: 'shop-Degraded',
      AlarmDescription: 'The shop is slow and failing. Page the on-call.',
      ActionsSuppressor: { 'Fn::GetAtt': [expect.stringMatching(/^FleetMaintenance/), 'Arn'] },
      ActionsSuppressorWaitPeriod: 60,
      ActionsSuppressorExtensionPeriod: 900,
      AlarmActions: [{ Ref: expect.stringMatching(/^Alerts/) }],
    }));
  });

  test.each([
    [AnomalyDirection.ABOVE, 'GreaterThanUpperThreshold'],
    [AnomalyDirection.BELOW, 'LessThanLowerThreshold'],
    [AnomalyDirection.OUTSIDE, 'LessThanLowerOrGreaterThanUpperThreshold'],
  ])('anomaly alarm %s the band', (direction, operator) => {
    const { set, template } = build();
    set.addAnomalyAlarm('CpuAnomaly', cpu, { direction, bandWidth: 3, severity: AlarmSeverity.INFO });
    template().hasResourceProperties('AWS::CloudWatch::Alarm', {
      ComparisonOperator: operator,
      ThresholdMetricId: 'expr_1',
      TreatMissingData: 'notBreaching',
      EvaluationPeriods: 3,
      Metrics: Match.arrayWith([
        Match.objectLike({ Id: 'expr_1', Expression: 'ANOMALY_DETECTION_BAND(m0, 3)' }),
        Match.objectLike({ Id: 'm0', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'CPUUtilization' }) }) }),
      ]),
      AlarmActions: [TOPIC],
    });
  });

  test('fleet-wide alarm on a Metrics Insights query', () => {
    const { set, template } = build();
    set.addMetricsInsightsAlarm('AnyStatusCheckFailed', {
      query: MetricsInsightsQuery.aggregate({
        aggregation: MetricsInsightsAggregation.MAX,
        namespace: 'AWS/EC2',
        metricName: 'StatusCheckFailed',
        schemaDimensions: ['InstanceId'],
        where: { 'tag.fleet': 'shop' },
      }),
      threshold: 1,
      period: Duration.minutes(1),
      evaluationPeriods: 2,
      severity: AlarmSeverity.CRITICAL,
    });
    template().hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: [{ Id: 'expr_1', Expression: 'SELECT MAX(StatusCheckFailed) FROM SCHEMA("AWS/EC2", InstanceId) WHERE tag.fleet = \'shop\'', Period: 60, ReturnData: true, Label: 'AnyStatusCheckFailed' }],
      Threshold: 1,
      EvaluationPeriods: 2,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [TOPIC],
    });
  });

  test('Metrics Insights queries quote names and filter by dimension', () => {
    const q = MetricsInsightsQuery.aggregate({
      aggregation: MetricsInsightsAggregation.AVG,
      namespace: 'CWAgent',
      metricName: 'Memory % Committed Bytes In Use',
      schemaDimensions: ['InstanceId', 'AutoScalingGroupName'],
      where: { AutoScalingGroupName: 'web' },
    });
    expect(q.sql).toBe('SELECT AVG("Memory % Committed Bytes In Use") FROM SCHEMA("CWAgent", InstanceId, AutoScalingGroupName) WHERE AutoScalingGroupName = \'web\'');
    expect(MetricsInsightsQuery.aggregate({ aggregation: MetricsInsightsAggregation.SUM, namespace: 'AWS/EC2', metricName: 'StatusCheckFailed', accountWide: true }).sql)
      .toBe('SELECT SUM(StatusCheckFailed) FROM "AWS/EC2"');
    expect(MetricsInsightsQuery.custom(' SELECT MAX(CPUUtilization) FROM "AWS/EC2" ').sql).toBe('SELECT MAX(CPUUtilization) FROM "AWS/EC2"');
  });

  test.each([
    ['a query with SEARCH()', () => MetricsInsightsQuery.custom('SELECT SEARCH(\'{AWS/EC2,InstanceId} CPUUtilization\', \'Average\')'), /free of SEARCH\(\)/],
    ['a query that is not SELECT', () => MetricsInsightsQuery.custom('SEARCH(\'{AWS/EC2} CPU\', \'Average\', 300)'), /starting with SELECT/],
    ['a where value with a quote', () => MetricsInsightsQuery.aggregate({ aggregation: MetricsInsightsAggregation.MAX, namespace: 'AWS/EC2', metricName: 'CPUUtilization', where: { AutoScalingGroupName: 'o\'neil' } }), /free of single quotes/],
    ['a query on AWS/EC2 without where (it watches the whole account)', () => MetricsInsightsQuery.aggregate({ aggregation: MetricsInsightsAggregation.MAX, namespace: 'AWS/EC2', metricName: 'CPUUtilization', schemaDimensions: ['InstanceId'] }),
      /where must filter the query to one fleet .* every series of AWS\/EC2 in the account and Region/],
    ['a query on the shared CWAgent namespace without where', () => MetricsInsightsQuery.aggregate({ aggregation: MetricsInsightsAggregation.MAX, namespace: 'CWAgent', metricName: 'mem_used_percent' }),
      /where must filter the query to one fleet/],
    ['a where dimension the schema excludes (per-instance EC2 series carry only InstanceId)', () => MetricsInsightsQuery.aggregate({ aggregation: MetricsInsightsAggregation.MAX, namespace: 'AWS/EC2', metricName: 'CPUUtilization', schemaDimensions: ['InstanceId'], where: { AutoScalingGroupName: 'web' } }),
      /where dimension 'AutoScalingGroupName' must be one of schemaDimensions \(InstanceId\).*would match nothing/],
    ['a group-by dimension the schema excludes', () => MetricsInsightsQuery.aggregate({ aggregation: MetricsInsightsAggregation.MAX, namespace: 'AWS/EC2', metricName: 'CPUUtilization', schemaDimensions: ['InstanceId'], where: { 'tag.fleet': 'shop' }, groupBy: ['AutoScalingGroupName'] }),
      /groupBy dimension 'AutoScalingGroupName' must be one of schemaDimensions/],
    ['a percentile, which Metrics Insights does not offer', () => MetricsInsightsQuery.custom('SELECT p99(CPUUtilization) FROM SCHEMA("AWS/EC2", InstanceId) WHERE tag.fleet = \'shop\''),
      /functions must be one of AVG, COUNT, MAX, MIN, SUM .*got 'p99'/],
    ['an ORDER BY percentile', () => MetricsInsightsQuery.custom('SELECT MAX(CPUUtilization) FROM "AWS/EC2" GROUP BY InstanceId ORDER BY p90() DESC LIMIT 5'), /got 'p90'/],
    ['LIMIT 1000 (at most 500 series)', () => MetricsInsightsQuery.custom('SELECT MAX(CPUUtilization) FROM "AWS/EC2" GROUP BY InstanceId ORDER BY MAX() DESC LIMIT 1000'),
      /LIMIT must be a whole number between 1 and 500 .*got '1000'/],
    ['a custom grouped query without ORDER BY (CloudWatch requires it on a multi-time-series alarm)',
      () => MetricsInsightsQuery.custom('SELECT MAX(CPUUtilization) FROM SCHEMA("AWS/EC2", InstanceId) WHERE tag.fleet = \'shop\' GROUP BY InstanceId'),
      /a query with GROUP BY must also have ORDER BY \(for example ORDER BY MAX\(\) DESC\)/],
    ['a limit of 501', () => MetricsInsightsQuery.aggregate({ aggregation: MetricsInsightsAggregation.MAX, namespace: 'AWS/EC2', metricName: 'CPUUtilization', where: { 'tag.fleet': 'shop' }, groupBy: ['InstanceId'], limit: 501 }),
      /limit must be a whole number between 1 and 500/],
  ])('fails on %s', (_name, make, message) => {
    expect(make).toThrow(message);
  });

  test('fails on a Metrics Insights alarm that looks back more than 3 hours', () => {
    const { set } = build();
    expect(() => set.addMetricsInsightsAlarm('Slow', {
      query: MetricsInsightsQuery.custom('SELECT MAX(CPUUtilization) FROM "AWS/EC2"'), threshold: 1, period: Duration.hours(1), evaluationPeriods: 4,
    })).toThrow(/Fleet: Slow: evaluation window \(period x evaluationPeriods\) must be at most 3 hours for a Metrics Insights alarm.*got '14400 seconds'/);
  });

  test('grouped queries name their contributors, order and limit', () => {
    const q = MetricsInsightsQuery.aggregate({
      aggregation: MetricsInsightsAggregation.MAX,
      namespace: 'AWS/EC2',
      metricName: 'CPUUtilization',
      schemaDimensions: ['InstanceId'],
      where: { 'tag.fleet': 'shop' },
      groupBy: ['InstanceId'],
      limit: 500,
    });
    expect(q.sql).toBe('SELECT MAX(CPUUtilization) FROM SCHEMA("AWS/EC2", InstanceId) WHERE tag.fleet = \'shop\' GROUP BY InstanceId ORDER BY MAX() DESC LIMIT 500');
    expect(q.groupBy).toEqual(['InstanceId']);
    expect(MetricsInsightsQuery.custom('SELECT AVG(x) FROM "Shop" GROUP BY "AutoScalingGroupName", path ORDER BY MAX() DESC LIMIT 10').groupBy)
      .toEqual(['AutoScalingGroupName', 'path']);
  });

  test('grouped queries always order their contributors, highest first unless asked otherwise', () => {
    const base = { namespace: 'AWS/EC2', schemaDimensions: ['InstanceId'], where: { 'tag.fleet': 'shop' }, groupBy: ['InstanceId'] };
    expect(MetricsInsightsQuery.aggregate({ ...base, aggregation: MetricsInsightsAggregation.MAX, metricName: 'CPUUtilization' }).sql)
      .toBe('SELECT MAX(CPUUtilization) FROM SCHEMA("AWS/EC2", InstanceId) WHERE tag.fleet = \'shop\' GROUP BY InstanceId ORDER BY MAX() DESC');
    expect(MetricsInsightsQuery.aggregate({ ...base, aggregation: MetricsInsightsAggregation.MIN, metricName: 'CPUCreditBalance', order: MetricsInsightsOrder.ASCENDING }).sql)
      .toMatch(/ GROUP BY InstanceId ORDER BY MIN\(\) ASC$/);
    // One series needs no order.
    expect(MetricsInsightsQuery.aggregate({ ...base, groupBy: undefined, aggregation: MetricsInsightsAggregation.COUNT, metricName: 'StatusCheckFailed' }).sql)
      .not.toMatch(/ORDER BY/);
    expect(MetricsInsightsQuery.custom('select max(x) from "Shop" group by InstanceId order by max() desc').groupBy).toEqual(['InstanceId']);
  });

  test('fails on a sub-minute Metrics Insights period (no high-resolution data)', () => {
    const { set } = build();
    expect(() => set.addMetricsInsightsAlarm('Fast', {
      query: MetricsInsightsQuery.custom('SELECT MAX(CPUUtilization) FROM "AWS/EC2" WHERE InstanceType = \'m5.large\''), threshold: 1, period: Duration.seconds(30),
    })).toThrow(/Fleet: Fast.period must be a whole number of minutes for a Metrics Insights alarm.*got '30 seconds'/);
  });

  test('EC2 recover runs per instance contributor of a query grouped by InstanceId', () => {
    const { set, template } = build();
    set.addMetricsInsightsAlarm('StatusCheck', {
      query: MetricsInsightsQuery.custom('SELECT MAX(StatusCheckFailed_System) FROM SCHEMA("AWS/EC2", InstanceId) WHERE tag.fleet = \'shop\' GROUP BY InstanceId ORDER BY MAX() DESC'),
      threshold: 1,
      period: Duration.minutes(1),
      evaluationPeriods: 2,
      actions: [new cloudwatch_actions.Ec2Action(cloudwatch_actions.Ec2InstanceAction.RECOVER)],
    });
    const [alarm] = Object.values(template().findResources('AWS::CloudWatch::Alarm'));
    expect(JSON.stringify(alarm.Properties.AlarmActions)).toMatch(/:automate:.*:ec2:recover/);
  });

  test.each([
    ['a single-series query', 'SELECT MAX(StatusCheckFailed_System) FROM SCHEMA("AWS/EC2", InstanceId) WHERE tag.fleet = \'shop\''],
    ['a query grouped by Auto Scaling group', 'SELECT MAX(StatusCheckFailed_System) FROM SCHEMA("AWS/EC2", AutoScalingGroupName) WHERE tag.fleet = \'shop\' GROUP BY AutoScalingGroupName ORDER BY MAX() DESC'],
  ])('fails on EC2 actions on %s (AWS runs them only per instance contributor)', (_name, sql) => {
    const { set } = build();
    expect(() => set.addMetricsInsightsAlarm('StatusCheck', {
      query: MetricsInsightsQuery.custom(sql),
      threshold: 1,
      period: Duration.minutes(1),
      actions: [new cloudwatch_actions.Ec2Action(cloudwatch_actions.Ec2InstanceAction.RECOVER)],
    })).toThrow(/alarmActions must be free of EC2 actions .* except a Metrics Insights alarm grouped by InstanceId alone/);
  });

  test('warns at 160 Metrics Insights alarms in an account and Region and fails above the 200 quota', () => {
    const { set, stack } = build();
    const query = MetricsInsightsQuery.custom('SELECT MAX(CPUUtilization) FROM "AWS/EC2" WHERE InstanceType = \'m5.large\'');
    for (let i = 1; i <= 200; i++) set.addMetricsInsightsAlarm(`Q${i}`, { query, threshold: 90 });
    Annotations.fromStack(stack).hasWarning('/TestStack/Fleet/Q160',
      Match.stringLikeRegexp('160 Metrics Insights query alarms in account 123456789012 and Region us-east-1, 80 % of the default quota of 200 .*Other apps .* share that quota'));
    expect(() => set.addMetricsInsightsAlarm('Q201', { query, threshold: 90 }))
      .toThrow(/Fleet\/Q201: Metrics Insights alarms of this app in account 123456789012 and Region us-east-1 must be at most 200 .*shared with every other app there.*got '201 alarms'/);
  });

  test('counts the quota per account and Region across the stacks of the app', () => {
    const app = new App();
    const query = MetricsInsightsQuery.custom('SELECT MAX(CPUUtilization) FROM "AWS/EC2" WHERE InstanceType = \'m5.large\'');
    const alarmSet = (id: string, env?: { account: string; region: string }) => {
      const stack = new Stack(app, id, { env });
      return new AlarmSet(stack, 'Fleet', { routing: AlarmRouting.toTopic(new AlertTopic(stack, 'Alerts', { emails: ['o@example.com'], failedDeliveryAlarm: false })) });
    };
    // 150 in each of two Regions: within the quota in both.
    const east = alarmSet('East', { account: '111111111111', region: 'us-east-1' });
    const west = alarmSet('West', { account: '111111111111', region: 'us-west-2' });
    for (let i = 1; i <= 150; i++) {
      east.addMetricsInsightsAlarm(`Q${i}`, { query, threshold: 90 });
      west.addMetricsInsightsAlarm(`Q${i}`, { query, threshold: 90 });
    }
    // A second stack in us-east-1 shares that account and Region's quota.
    const east2 = alarmSet('East2', { account: '111111111111', region: 'us-east-1' });
    for (let i = 1; i <= 50; i++) east2.addMetricsInsightsAlarm(`Q${i}`, { query, threshold: 90 });
    expect(() => east2.addMetricsInsightsAlarm('Q51', { query, threshold: 90 }))
      .toThrow(/East2\/Fleet\/Q51: Metrics Insights alarms of this app in account 111111111111 and Region us-east-1 must be at most 200 .*got '201 alarms'/);
    // Environment-agnostic stacks count together, apart from the known environments.
    const a = alarmSet('AgnosticA');
    const b = alarmSet('AgnosticB');
    for (let i = 1; i <= 100; i++) a.addMetricsInsightsAlarm(`Q${i}`, { query, threshold: 90 });
    for (let i = 1; i <= 100; i++) b.addMetricsInsightsAlarm(`Q${i}`, { query, threshold: 90 });
    expect(() => b.addMetricsInsightsAlarm('Q101', { query, threshold: 90 }))
      .toThrow(/AgnosticB\/Fleet\/Q101: Metrics Insights alarms of this app in the environment-agnostic stacks' account and Region must be at most 200/);
  });

  test('warns on every tag-filtered query of an app that does not turn on resource tags for telemetry', () => {
    const { set, stack } = build();
    const tagged = MetricsInsightsQuery.aggregate({
      aggregation: MetricsInsightsAggregation.MAX, namespace: 'AWS/EC2', metricName: 'CPUUtilization', schemaDimensions: ['InstanceId'], where: { 'tag.fleet': 'shop' },
    });
    set.addMetricsInsightsAlarm('Tagged', { query: tagged, threshold: 90 });
    set.addMetricsInsightsAlarm('GroupedByTag', {
      query: MetricsInsightsQuery.custom('SELECT MAX(CPUUtilization) FROM SCHEMA("AWS/EC2", InstanceId) WHERE InstanceType = \'m5.large\' GROUP BY tag.team ORDER BY MAX() DESC'), threshold: 90,
    });
    set.addMetricsInsightsAlarm('ByDimension', {
      query: MetricsInsightsQuery.custom('SELECT MAX(CPUUtilization) FROM "AWS/EC2" WHERE InstanceType = \'tag.fleet\''), threshold: 90,
    });
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('resource tags for telemetry are turned on'));
    expect(warnings.map(w => w.id).sort()).toEqual(['/TestStack/Fleet/GroupedByTag', '/TestStack/Fleet/Tagged']);
    expect(JSON.stringify(warnings)).toContain('cdk-watchkeeper:MetricsInsights.resourceTagsForTelemetry');
  });

  test('no tag warning once the app turns on resource tags for telemetry, one per account and Region', () => {
    const app = new App();
    const env = { account: '123456789012', region: 'us-east-1' };
    const shared = new Stack(app, 'Shared', { env });
    const enrichment = new ResourceTagsForTelemetry(shared, 'ResourceTags');
    const { set, stack } = build({}, new Stack(app, 'Alarms', { env }));
    set.addMetricsInsightsAlarm('Tagged', {
      query: MetricsInsightsQuery.aggregate({ aggregation: MetricsInsightsAggregation.MAX, namespace: 'AWS/EC2', metricName: 'CPUUtilization', where: { 'tag.fleet': 'shop' } }), threshold: 90,
    });
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('resource tags for telemetry'))).toEqual([]);
    Template.fromStack(shared).hasResource('AWS::ObservabilityAdmin::TelemetryEnrichment', {
      Properties: { Scope: 'ACCOUNT' }, DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain',
    });
    expect(ResourceTagsForTelemetry.ensure(stack)).toBe(enrichment);
  });

  test('fails on two telemetry enrichments in one account and Region', () => {
    const app = new App();
    const env = { account: '123456789012', region: 'us-east-1' };
    new ResourceTagsForTelemetry(new Stack(app, 'One', { env }), 'ResourceTags');
    new ResourceTagsForTelemetry(new Stack(app, 'Two', { env }), 'ResourceTags');
    new ResourceTagsForTelemetry(new Stack(app, 'Elsewhere', { env: { ...env, region: 'eu-west-1' } }), 'ResourceTags');
    expect(() => app.synth()).toThrow(/One\/ResourceTags: telemetry enrichments in account 123456789012 and Region us-east-1 must be one per account and Region .*got 'One\/ResourceTags\/Resource, Two\/ResourceTags\/Resource'/);
    // Also beside a plain L1 of the same type, whichever comes first.
    const other = new App();
    new CfnResource(new Stack(other, 'Setup', { env }), 'Enrichment', { type: 'AWS::ObservabilityAdmin::TelemetryEnrichment', properties: { Scope: 'ACCOUNT' } });
    ResourceTagsForTelemetry.ensure(new Stack(other, 'Fleet', { env }));
    expect(() => other.synth()).toThrow(/Fleet\/ResourceTagsForTelemetry: telemetry enrichments .* must be one per account and Region/);
  });

  test('fails on a non-positive anomaly band', () => {
    const { set } = build();
    expect(() => set.addAnomalyAlarm('A', cpu, { bandWidth: 0 })).toThrow(/bandWidth must be a positive number of standard deviations, got 0/);
  });

  test('custom liveness alarms breach on missing data and are listed for planned downtime', () => {
    const { set, template } = build();
    const heartbeat = set.addAlarm('Heartbeat', new cloudwatch.Metric({ namespace: 'Shop', metricName: 'Heartbeat', statistic: 'SampleCount' }), {
      threshold: 1, comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD, liveness: true, severity: AlarmSeverity.CRITICAL,
    });
    template().hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Heartbeat', TreatMissingData: 'breaching' });
    expect(set.livenessAlarms).toEqual([heartbeat]);
  });

  test('generated descriptions name the metric, threshold and evaluation', () => {
    const { set, template } = build({ runbookUrl: 'https://wiki.example.com/fleet' });
    set.addAlarm('Cpu', cpu, { threshold: 80, evaluationPeriods: 5, datapointsToAlarm: 3 });
    template().hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: 'AWS/EC2/CPUUtilization is at or above 80 in 3 of 5 periods. Find out why, and fix or raise the threshold. Runbook: https://wiki.example.com/fleet',
    });
  });

  test('passes the nag packs with composites, anomaly and Metrics Insights alarms', () => {
    const { set, stack } = build({ alarmNamePrefix: 'fleet', tags: { team: 'ops' } });
    const a = set.addAlarm('Cpu', cpu, { threshold: 90 });
    set.addAnomalyAlarm('CpuAnomaly', cpu);
    set.addMetricsInsightsAlarm('Worst', { query: MetricsInsightsQuery.custom('SELECT MAX(CPUUtilization) FROM SCHEMA("AWS/EC2", InstanceId)'), threshold: 95 });
    set.addCompositeAlarm('Both', { rule: cloudwatch.AlarmRule.allOf(cloudwatch.AlarmRule.fromAlarm(a, cloudwatch.AlarmState.ALARM)) });
    expectNagClean(stack);
  });

  test('matches the golden snapshot', () => {
    const { set, stack } = build({ alarmNamePrefix: 'fleet' });
    const a = set.addAlarm('Cpu', cpu, { threshold: 90 });
    set.addAnomalyAlarm('CpuAnomaly', cpu, { direction: AnomalyDirection.ABOVE });
    set.addMetricsInsightsAlarm('Worst', { query: MetricsInsightsQuery.custom('SELECT MAX(CPUUtilization) FROM SCHEMA("AWS/EC2", InstanceId)'), threshold: 95 });
    set.addCompositeAlarm('Both', { rule: cloudwatch.AlarmRule.anyOf(cloudwatch.AlarmRule.fromAlarm(a, cloudwatch.AlarmState.ALARM)) });
    expect(stableTemplate(stack)).toMatchSnapshot();
  });
});
