import { ArnFormat, Duration, Stack, Validations, aws_cloudwatch as cloudwatch, aws_iam as iam, aws_logs as logs } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { levelSpellings, quote } from './json-log-helpers';
import { AlarmRouting, AlarmSeverity } from '../../core/alarm-routing';
import { AlarmSet } from '../../core/alarm-set';
import { recordLogAlarmQuery } from '../../private/alarm-metadata';
import { logGroupArns } from '../../private/log-group-arns';
import { LOG_ALARM_QUERY_CONTROL } from '../../private/unscoped-actions';
import { checkInteger, invalid } from '../../private/validation';
import { ErrorLogAlarmOptions } from '../error-log-alarm-options';

/**
 * CloudWatch's limits on a log alarm (AWS::CloudWatch::LogAlarm schema, PutLogAlarm API):
 * ActionLogLineCount 0 to 50; QueryString up to 10,000 characters; StartTimeOffset 1 s to
 * 30 days; QueryResultsToEvaluate and QueryResultsToAlarm at least 1.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutLogAlarm.html
 */
const MAX_LOG_LINES = 50;
const MAX_QUERY_LENGTH = 10_000;
const MAX_OFFSET_SECONDS = 2_592_000;

/** The two roles a log alarm needs, one pair per log group. */
interface LogAlarmRoles { readonly query: iam.Role; readonly lines: iam.Role }
const rolesByOwner = new WeakMap<Construct, LogAlarmRoles>();

/**
 * A log alarm on a JSON log group's error lines: a managed Logs Insights query counts lines
 * whose level is an error level, every few minutes, and the notification carries the
 * matching lines (`ActionLogLineCount`). Two roles of its own, each granted only what the
 * log alarm page lists: the query role (assumed by CloudWatch Logs for scheduled queries of
 * this account) runs `logs:StartQuery`, `logs:StopQuery`, `logs:GetQueryResults` and
 * `logs:DescribeLogGroups`; the log-lines role (assumed by CloudWatch for alarms of this
 * account) reads `logs:GetQueryResults`, on this log group only.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-log.html
 */
export function createErrorLogAlarm(owner: Construct, id: string, logGroup: logs.ILogGroup, levelField: string,
  routing: AlarmRouting | undefined, options: ErrorLogAlarmOptions): cloudwatch.IAlarm {
  if (!routing) invalid(owner, 'alertTopic', 'set (or routing) when an alarm is requested (every alarm needs someone to tell)', undefined);
  const levels = options.levels ?? ['ERROR', 'FATAL', 'CRITICAL'];
  if (levels.length === 0) invalid(owner, `${id}.levels`, 'a non-empty list', levels);
  const every = (options.every ?? Duration.minutes(5)).toMinutes({ integral: false });
  if (!Number.isInteger(every) || every < 1) invalid(owner, `${id}.every`, 'whole minutes, at least 1 (the schedule of the query)', `${every} minutes`);
  const delay = (options.ingestionDelay ?? Duration.minutes(2)).toSeconds();
  const start = every * 60 + delay;
  if (delay < 0 || start > MAX_OFFSET_SECONDS) {
    invalid(owner, `${id}.ingestionDelay`, `such that every + ingestionDelay is at most ${MAX_OFFSET_SECONDS} seconds (30 days, the longest query window)`, `${start} seconds`);
  }
  const n = options.queryResultsToEvaluate ?? 1;
  checkInteger(owner, `${id}.queryResultsToEvaluate`, n, 1, Number.MAX_SAFE_INTEGER);
  checkInteger(owner, `${id}.queryResultsToAlarm`, options.queryResultsToAlarm, 1, n);
  const lines = options.logLines ?? 10;
  checkInteger(owner, `${id}.logLines`, lines, 0, MAX_LOG_LINES);
  const field = /^[A-Za-z_][A-Za-z0-9_.]*$/.test(levelField) ? levelField : `\`${levelField}\``;
  const lowered = [...new Set(levelSpellings(levels).map(l => l.toLowerCase()))];
  // tolower() makes the match case-insensitive, as in the saved error queries of LogQueries
  // (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-operations-functions.html).
  const queryString = `fields @timestamp, @logStream, @message\n| filter tolower(${field}) in [${lowered.map(quote).join(', ')}]`;
  if (queryString.length > MAX_QUERY_LENGTH) {
    invalid(owner, `${id}.levels`, `few enough that the query fits CloudWatch's ${MAX_QUERY_LENGTH} characters`, `${queryString.length} characters`);
  }
  const roles = rolesFor(owner, logGroup);
  const threshold = options.threshold ?? 1;
  const alarm = new AlarmSet(owner, `${id}Set`, { routing })._addLogQueryAlarm(id, {
    alarmName: options.alarmName,
    alarmDescription: options.alarmDescription
      ?? `At least ${threshold} ${levels.join('/')} line(s) in ${logGroup.logGroupName} within ${every} minutes. `
        + (lines > 0 ? `The email carries up to ${lines} of them; ` : '') + 'open the log group in Logs Insights for the rest.',
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    threshold,
    queryResultsToEvaluate: n,
    queryResultsToAlarm: options.queryResultsToAlarm ?? n,
    // count(*) of no matching line is 0, a valid result; missing results mean the query did not run.
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    actionLogLineCount: lines,
    actionLogLineRoleArn: lines > 0 ? roles.lines.roleArn : undefined,
    scheduledQueryConfiguration: {
      QueryString: queryString,
      AggregationExpression: 'count(*)',
      LogGroupIdentifiers: [logGroup.logGroupName],
      ScheduledQueryRoleARN: roles.query.roleArn,
      ScheduleConfiguration: { ScheduleExpression: `rate(${every} ${every === 1 ? 'minute' : 'minutes'})`, StartTimeOffset: start, EndTimeOffset: delay },
    },
    rateMinutes: every,
    endOffsetMinutes: Math.ceil(delay / 60),
  }, options.severity ?? AlarmSeverity.WARNING);
  recordLogAlarmQuery(alarm, { logGroups: [logGroup], windowSeconds: start, rateSeconds: every * 60 });
  return alarm;
}

/** The query and log-lines roles of a log group's log alarms, made once per owner. */
function rolesFor(owner: Construct, logGroup: logs.ILogGroup): LogAlarmRoles {
  const existing = rolesByOwner.get(owner);
  if (existing) return existing;
  const stack = Stack.of(owner);
  const trusted = (services: string[], sourceService: string, resource: string) => {
    const conditions = {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: { 'aws:SourceArn': stack.formatArn({ service: sourceService, resource, resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
    };
    return new iam.CompositePrincipal(...services.map(service => new iam.ServicePrincipal(service, { conditions })));
  };
  const groupArns = logGroupArns(logGroup);
  const query = new iam.Role(owner, 'LogAlarmQueryRole', {
    // CloudWatch Logs calls in as logs.amazonaws.com (the principal aws-cdk-lib's own log alarm
    // trusts) or, as in its other integrations, logs.<region>.amazonaws.com: trust both, for
    // scheduled queries of this account only.
    assumedBy: trusted(['logs.amazonaws.com', `logs.${stack.region}.amazonaws.com`], 'logs', 'scheduled-query'),
    description: `Runs the log alarms' scheduled queries on ${logGroup.node.path}`,
  });
  const queryPolicy = new iam.ManagedPolicy(owner, 'LogAlarmQueryPolicy', {
    description: `Log alarm queries on ${logGroup.node.path} only`,
    roles: [query],
    statements: [
      new iam.PolicyStatement({ sid: 'QueryTheLogGroup', actions: ['logs:StartQuery', 'logs:GetQueryResults'], resources: groupArns }),
      // No resource type to scope to; the Region is the one limit IAM offers for these actions.
      new iam.PolicyStatement({
        sid: 'ControlQueries',
        actions: [...LOG_ALARM_QUERY_CONTROL.actions],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:RequestedRegion': stack.region } },
      }),
    ],
  });
  Validations.of(queryPolicy).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: LOG_ALARM_QUERY_CONTROL.reason });
  const lines = new iam.Role(owner, 'LogAlarmLinesRole', {
    assumedBy: trusted(['cloudwatch.amazonaws.com'], 'cloudwatch', 'alarm'),
    description: `Reads the log lines the log alarms of ${logGroup.node.path} put in their notifications`,
  });
  new iam.ManagedPolicy(owner, 'LogAlarmLinesPolicy', {
    description: `Log lines of ${logGroup.node.path} for alarm notifications`,
    roles: [lines],
    statements: [new iam.PolicyStatement({ sid: 'ReadQueryResults', actions: ['logs:GetQueryResults'], resources: groupArns })],
  });
  const roles = { query, lines };
  rolesByOwner.set(owner, roles);
  return roles;
}
