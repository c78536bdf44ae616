// What a log alarm (AWS::CloudWatch::LogAlarm) is made of, for the feature that builds its
// query (JsonLogMetrics) and the alarm set that creates it. Not part of the public API.

/** The properties of a log alarm, in CloudFormation's spelling (actions are added by the routing). */
export interface LogQueryAlarmProps {
  readonly alarmName?: string;
  readonly alarmDescription: string;
  readonly comparisonOperator: string;
  readonly threshold: number;
  readonly queryResultsToEvaluate: number;
  readonly queryResultsToAlarm: number;
  readonly treatMissingData: string;
  readonly actionLogLineCount: number;
  readonly actionLogLineRoleArn?: string;
  readonly scheduledQueryConfiguration: Record<string, unknown>;
}

/** A log alarm and how its warm-up is derived: query results evaluated × schedule, plus the ingestion offset. */
export interface LogAlarmSpec extends LogQueryAlarmProps {
  /** Minutes between query runs. */
  readonly rateMinutes: number;
  /** How far the query window ends before each run, minutes (log ingestion delay). */
  readonly endOffsetMinutes: number;
}
