import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AlarmRouting, AlertTopic, CostReport, MonitoringAccount, MonitoringAccountProps, SharedTelemetryType } from '../../src';
import { dashboardBody } from '../../src/report/private/template-values.pure';
import { expectNagClean, newStack } from '../helpers';

const ORG = 'o-a1b2c3d4e5';

function build(props: Partial<MonitoringAccountProps> = {}, stack: Stack = newStack()) {
  const monitoring = new MonitoringAccount(stack, 'Monitoring', { organizationId: ORG, alertEmails: ['platform@example.com'], ...props });
  return { stack, monitoring, template: () => Template.fromStack(stack) };
}

function sinkPolicy(template: Template): any {
  const sinks = Object.values(template.findResources('AWS::Oam::Sink'));
  expect(sinks).toHaveLength(1);
  return sinks[0].Properties.Policy;
}

describe('MonitoringAccount', () => {
  test('the sink admits only the organisation, for the shared types, to create or update links', () => {
    const { template } = build();
    expect(sinkPolicy(template())).toEqual({
      Version: '2012-10-17',
      Statement: [{
        Effect: 'Allow',
        Principal: '*',
        Action: ['oam:CreateLink', 'oam:UpdateLink'],
        Resource: '*',
        Condition: {
          'StringEquals': { 'aws:PrincipalOrgID': ORG },
          'ForAllValues:StringEquals': { 'oam:ResourceTypes': ['AWS::CloudWatch::Metric', 'AWS::Logs::LogGroup'] },
        },
      }],
    });
  });

  test('with OU paths the sink admits only accounts under them', () => {
    const paths = [`${ORG}/r-ab12/ou-ab12-11111111/*`, `${ORG}/r-ab12/ou-ab12-22222222/`];
    const { template } = build({ organizationalUnitPaths: paths, sharedTelemetry: [SharedTelemetryType.METRICS] });
    const condition = sinkPolicy(template()).Statement[0].Condition;
    expect(condition).toEqual({
      'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': paths },
      'ForAllValues:StringEquals': { 'oam:ResourceTypes': ['AWS::CloudWatch::Metric'] },
    });
  });

  test('one Metrics Insights alarm per signal, per account and instance, notifying the alert topic', () => {
    const { template, monitoring } = build();
    const t = template();
    t.resourceCountIs('AWS::CloudWatch::Alarm', 3); // status checks, CPU, and the topic's failed deliveries
    for (const metric of ['StatusCheckFailed', 'CPUUtilization']) {
      t.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Metrics: [Match.objectLike({
          Expression: `SELECT MAX(${metric}) FROM SCHEMA("AWS/EC2", InstanceId) GROUP BY AWS.AccountId, InstanceId ORDER BY MAX() DESC LIMIT 500`,
        })],
        AlarmActions: [{ Ref: Match.stringLikeRegexp('MonitoringAlerts') }],
        OKActions: [{ Ref: Match.stringLikeRegexp('MonitoringAlerts') }],
      });
    }
    expect(monitoring.alarmSet.alarms).toHaveLength(2);
    expect(monitoring.alertTopic).toBeDefined();
  });

  test('the dashboard groups every linked account by AWS.AccountId', () => {
    const { template } = build();
    const body = JSON.stringify(template().findResources('AWS::CloudWatch::Dashboard'));
    expect(body).toContain('GROUP BY AWS.AccountId ORDER BY MAX() DESC LIMIT 50');
    expect(body).toContain('SELECT SUM(StatusCheckFailed) FROM SCHEMA(\\\\\\"AWS/EC2\\\\\\", InstanceId) GROUP BY AWS.AccountId');
  });

  test('the status-check graph counts the instances failing per account, not their failing minutes', () => {
    const { template } = build();
    const body = dashboardBody(Object.values<any>(template().findResources('AWS::CloudWatch::Dashboard'))[0].Properties.DashboardBody);
    // With AUTO the console widens periods with the time range; INHERIT keeps the graph's own.
    expect(body.periodOverride).toBe('inherit');
    const widget = body.widgets.find((w: any) => /failing status checks/.test(w.properties?.title ?? ''));
    const [{ expression, period }] = widget.properties.metrics[0];
    const seconds: number = period ?? widget.properties.period ?? 300;
    // EC2 publishes StatusCheckFailed once a minute per instance, 0 or 1. In account A one
    // instance fails for 5 minutes; in account B two instances fail together for 2 minutes.
    const points: Observation[] = [];
    for (let minute = 0; minute < 30; minute++) {
      for (const [account, instance, from, to] of [['A', 'i-a1', 10, 15], ['A', 'i-a2', 99, 99], ['B', 'i-b1', 20, 22], ['B', 'i-b2', 20, 22]] as const) {
        points.push({ account, instance, minute, value: minute >= from && minute < to ? 1 : 0 });
      }
    }
    expect(peakPerAccount(expression, seconds, points)).toEqual({ A: 1, B: 2 });
  });

  test('uses the given routing instead of creating a topic', () => {
    const stack = newStack();
    const pager = new AlertTopic(stack, 'Pager', { emails: ['pager@example.com'] });
    const { monitoring, template } = build({ routing: AlarmRouting.toTopic(pager) }, stack);
    expect(monitoring.alertTopic).toBeUndefined();
    template().resourceCountIs('AWS::SNS::Topic', 1);
  });

  test('the cost report prices the organisation alarms by the instances they analyse', () => {
    const stack = newStack();
    build({ expectedInstances: 1000 }, stack);
    const report = new CostReport(stack, 'Cost');
    const small = newStack();
    build({ expectedInstances: 10 }, small);
    const smallReport = new CostReport(small, 'Cost');
    Template.fromStack(stack);
    Template.fromStack(small);
    expect(report.renderTable()).toMatch(/Metrics Insights|query/i);
    expect(report.totalMonthlyUsd()).toBeGreaterThan(smallReport.totalMonthlyUsd());
  });

  test('warns when the instances exceed what one Metrics Insights query processes', () => {
    const { stack } = build({ expectedInstances: 20_000 });
    Annotations.fromStack(stack).hasWarning('/TestStack/Monitoring', Match.stringLikeRegexp('at most 10000 metrics.*MonitoringAccount.metricsPerQuery'));
  });

  test('warns past 500 instances: one query returns at most 500 series, so not every instance is a contributor', () => {
    const { stack } = build({ expectedInstances: 501 });
    Annotations.fromStack(stack).hasWarning('/TestStack/Monitoring',
      Match.stringLikeRegexp('returns at most 500 series.*PARTIAL_DATA.*\\[ack: cdk-watchkeeper:MonitoringAccount.seriesPerQuery\\]'));
  });

  test('does not warn about series at 500 instances, where every instance is a contributor', () => {
    const { stack } = build({ expectedInstances: 500 });
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('MonitoringAccount\\.(seriesPerQuery|metricsPerQuery)'))).toHaveLength(0);
  });

  test('passes the cdk-nag packs', () => {
    const { stack } = build();
    expectNagClean(stack);
  });

  test('fails on an organisation id that is not o- and 10 to 32 characters', () => {
    expect(() => build({ organizationId: 'o-short' })).toThrow(/organizationId.*o-short/);
    expect(() => build({ organizationId: '123456789012' })).toThrow(/organizationId/);
  });

  test('fails on an OU path outside the organisation or malformed', () => {
    expect(() => build({ organizationalUnitPaths: ['o-zzzzzzzzzz/r-ab12/ou-ab12-11111111/'] })).toThrow(/inside organisation o-a1b2c3d4e5/);
    expect(() => build({ organizationalUnitPaths: ['ou-ab12-11111111'] })).toThrow(/organizationalUnitPaths\[0\]/);
    expect(() => build({ organizationalUnitPaths: [] })).toThrow(/organizationalUnitPaths/);
  });

  test('fails with two sinks in one stack (one sink per account and Region)', () => {
    const stack = newStack();
    build({}, stack);
    new MonitoringAccount(stack, 'Second', { organizationId: ORG, sinkName: 'second' });
    expect(() => Template.fromStack(stack)).toThrow(/one sink per Region/);
  });

  test('fails on a CPU threshold outside 0..100', () => {
    expect(() => build({ cpuThresholdPercent: 140 })).toThrow(/cpuThresholdPercent.*140/);
  });
});

describe('MonitoringAccount scale', () => {
  /** The monitoring stack's resources by type for an organisation of `accounts` accounts. */
  function resourcesFor(accounts: number): Record<string, number> {
    const stack = new Stack(new App(), 'Monitoring', { env: { account: '111111111111', region: 'eu-west-1' } });
    new MonitoringAccount(stack, 'Monitoring', { organizationId: ORG, alertEmails: ['platform@example.com'], expectedInstances: accounts * 10 });
    const counts: Record<string, number> = {};
    for (const r of Object.values<any>(Template.fromStack(stack).toJSON().Resources)) counts[r.Type] = (counts[r.Type] ?? 0) + 1;
    return counts;
  }

  test('the monitoring stack holds the same resources for 1 and 1,000 accounts', () => {
    const one = resourcesFor(1);
    expect(one['AWS::CloudWatch::Alarm']).toBeGreaterThan(0);
    expect(resourcesFor(1000)).toEqual(one);
  });

  test('no alarm action points to a topic in another account or Region', () => {
    const stack = new Stack(new App(), 'Monitoring', { env: { account: '111111111111', region: 'eu-west-1' } });
    new MonitoringAccount(stack, 'Monitoring', { organizationId: ORG, alertEmails: ['platform@example.com'] });
    const resources = Template.fromStack(stack).toJSON().Resources;
    const actions = Object.values<any>(resources)
      .filter(r => r.Type === 'AWS::CloudWatch::Alarm')
      .flatMap(r => [...(r.Properties.AlarmActions ?? []), ...(r.Properties.OKActions ?? []), ...(r.Properties.InsufficientDataActions ?? [])]);
    expect(actions.length).toBeGreaterThan(0);
    for (const action of actions) {
      // A Ref to a topic of this template is in this account and Region; a literal ARN must name them.
      if (typeof action === 'string') {
        expect(action).toMatch(/^arn:aws:sns:eu-west-1:111111111111:/);
      } else {
        expect(Object.keys(action)).toEqual(['Ref']);
        expect(resources[action.Ref].Type).toEqual('AWS::SNS::Topic');
      }
    }
  });

  test('an alarm names no metric of another account: the queries read the linked accounts through the sink', () => {
    const stack = new Stack(new App(), 'Monitoring', { env: { account: '111111111111', region: 'eu-west-1' } });
    new MonitoringAccount(stack, 'Monitoring', { organizationId: ORG });
    const alarms = Object.values<any>(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm'));
    for (const alarm of alarms) for (const m of alarm.Properties.Metrics ?? []) expect(m.AccountId).toBeUndefined();
  });
});

/** One StatusCheckFailed datapoint of an instance in a linked account. */
interface Observation {
  readonly account: string;
  readonly instance: string;
  readonly minute: number;
  readonly value: number;
}

/**
 * The highest value each account's series reaches on the graph, evaluated as Metrics Insights
 * documents it: the function aggregates the observations of every matched metric in each time
 * bucket of the period, per GROUP BY value.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-metrics-insights-querylanguage.html
 */
function peakPerAccount(query: string, periodSeconds: number, points: Observation[]): Record<string, number> {
  const m = /^SELECT (AVG|COUNT|MAX|MIN|SUM)\(StatusCheckFailed\) FROM .* GROUP BY AWS\.AccountId\b/.exec(query);
  expect(m).not.toBeNull();
  const fn = m![1];
  const buckets = new Map<string, number[]>();
  for (const p of points) {
    const key = `${p.account}|${Math.floor((p.minute * 60) / periodSeconds)}`;
    buckets.set(key, [...(buckets.get(key) ?? []), p.value]);
  }
  const aggregate = (v: number[]) => ({
    AVG: v.reduce((a, b) => a + b, 0) / v.length, COUNT: v.length, MAX: Math.max(...v), MIN: Math.min(...v), SUM: v.reduce((a, b) => a + b, 0),
  } as Record<string, number>)[fn];
  const peaks: Record<string, number> = {};
  for (const [key, values] of buckets) {
    const account = key.split('|')[0];
    peaks[account] = Math.max(peaks[account] ?? 0, aggregate(values));
  }
  return peaks;
}
