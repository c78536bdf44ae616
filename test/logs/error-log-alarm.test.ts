import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AlarmSeverity, AlertTopic, AppLogGroup, ErrorLogAlarmOptions, JsonLogFormat, JsonLogMetrics } from '../../src';
import { expectNagClean, newStack } from '../helpers';

function build(options: ErrorLogAlarmOptions = {}, stack: Stack = newStack()) {
  const alerts = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] });
  const app = new AppLogGroup(stack, 'App', { logGroupName: '/orders/app' });
  const metrics = new JsonLogMetrics(stack, 'Metrics', { logGroup: app.logGroup, namespace: 'Orders/Api', alertTopic: alerts, format: JsonLogFormat.PYTHON_JSON_LOGGER });
  const alarm = metrics.addErrorLogAlarm('Errors', options);
  return { stack, alarm, template: () => Template.fromStack(stack) };
}

const logAlarm = (t: Template) => Object.values(t.findResources('AWS::CloudWatch::LogAlarm'))[0].Properties;

describe('JsonLogMetrics.addErrorLogAlarm', () => {
  test('a log alarm whose notifications carry the matching lines: a Logs Insights count of error lines every 5 minutes', () => {
    const { template } = build();
    const p = logAlarm(template());
    expect(p).toMatchObject({
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      QueryResultsToEvaluate: 1,
      QueryResultsToAlarm: 1,
      TreatMissingData: 'notBreaching',
      ActionLogLineCount: 10,
      ActionLogLineRoleArn: { 'Fn::GetAtt': [expect.stringMatching('^MetricsLogAlarmLinesRole'), 'Arn'] },
      ScheduledQueryConfiguration: {
        // python-json-logger keeps the level in `levelname`.
        QueryString: 'fields @timestamp, @logStream, @message\n| filter tolower(levelname) in ["error", "fatal", "critical"]',
        AggregationExpression: 'count(*)',
        LogGroupIdentifiers: [{ Ref: expect.stringMatching('^App') }],
        ScheduledQueryRoleARN: { 'Fn::GetAtt': [expect.stringMatching('^MetricsLogAlarmQueryRole'), 'Arn'] },
        // The window ends 2 minutes back so that lines still being ingested are not missed.
        ScheduleConfiguration: { ScheduleExpression: 'rate(5 minutes)', StartTimeOffset: 420, EndTimeOffset: 120 },
      },
      // Warm-up: the query results it evaluates, plus one run, plus the ingestion offset.
      WarmUpConfiguration: { WarmUpPeriodDurationInMinutes: 5 * 2 + 2 },
      ActionConfiguration: { AlarmTagsPropagation: { Enabled: true, IncludedTagKeys: ['service', 'severity', 'runbook', 'owner'] } },
      AlarmActions: [{ Ref: expect.stringMatching('^Alerts') }],
      OKActions: [{ Ref: expect.stringMatching('^Alerts') }],
    });
    expect(p.Tags).toEqual(expect.arrayContaining([{ Key: 'severity', Value: 'WARNING' }, { Key: 'owner', Value: 'unassigned' }]));
  });

  test('each role may do what the log alarm needs on this log group only, assumed by its service for this account only', () => {
    const { template } = build();
    const t = template();
    const scheduledQueries = {
      StringEquals: { 'aws:SourceAccount': '123456789012' },
      ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:us-east-1:123456789012:scheduled-query:*']] } },
    };
    // CloudWatch Logs' global and Regional principals, for scheduled queries of this account only.
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({ Principal: { Service: 'logs.amazonaws.com' }, Condition: scheduledQueries }),
          Match.objectLike({ Principal: { Service: 'logs.us-east-1.amazonaws.com' }, Condition: scheduledQueries }),
        ],
      },
    });
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Condition: Match.objectLike({ ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:us-east-1:123456789012:alarm:*']] } } }),
        })],
      },
    });
    // The group's ARN with and without the `:*` CloudFormation's Arn attribute ends in.
    const group = [
      { 'Fn::GetAtt': [Match.stringLikeRegexp('^App'), 'Arn'] },
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:us-east-1:123456789012:log-group:', { Ref: Match.stringLikeRegexp('^App') }]] },
    ];
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [
          { Sid: 'QueryTheLogGroup', Effect: 'Allow', Action: ['logs:StartQuery', 'logs:GetQueryResults'], Resource: group },
          {
            Sid: 'ControlQueries',
            Effect: 'Allow',
            Action: ['logs:StopQuery', 'logs:DescribeLogGroups'],
            Resource: '*',
            Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } },
          },
        ],
      },
    });
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [
          { Sid: 'ReadQueryResults', Effect: 'Allow', Action: 'logs:GetQueryResults', Resource: group },
        ],
      },
    });
  });

  test('without log lines there is no log-lines role in the alarm', () => {
    const options = { logLines: 0, every: Duration.minutes(1), queryResultsToEvaluate: 5, queryResultsToAlarm: 3, severity: AlarmSeverity.CRITICAL };
    const { template } = build(options);
    const p = logAlarm(template());
    expect(p.ActionLogLineRoleArn).toBeUndefined();
    expect(p).toMatchObject({ ActionLogLineCount: 0, QueryResultsToEvaluate: 5, QueryResultsToAlarm: 3 });
    expect(p.ScheduledQueryConfiguration.ScheduleConfiguration.ScheduleExpression).toBe('rate(1 minute)');
  });

  test.each<[string, ErrorLogAlarmOptions, RegExp]>([
    ['51 log lines, over CloudWatch\'s 50', { logLines: 51 }, /Errors\.logLines must be a whole number between 0 and 50, got 51/],
    ['a schedule of seconds', { every: Duration.seconds(30) }, /Errors\.every must be whole minutes, at least 1 \(the schedule of the query\), got '0\.5 minutes'/],
    ['more results to alarm than are evaluated', { queryResultsToEvaluate: 2, queryResultsToAlarm: 3 }, /Errors\.queryResultsToAlarm must be a whole number between 1 and 2, got 3/],
    ['a window longer than 30 days', { every: Duration.days(31) }, /Errors\.ingestionDelay must be such that every \+ ingestionDelay is at most 2592000 seconds/],
    ['a query longer than 10,000 characters', { levels: Array.from({ length: 1000 }, (_, i) => `custom-level-${i}`) }, /Errors\.levels must be few enough that the query fits CloudWatch's 10000 characters/],
  ])('fails at synth for %s', (_name, options, message) => {
    expect(() => build(options)).toThrow(message);
  });

  test('passes the nag packs', () => {
    expectNagClean(build().stack);
  });
});
