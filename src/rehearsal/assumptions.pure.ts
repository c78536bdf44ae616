// The one listed place of what the rehearsal assumes where CloudWatch's (or EC2's) pages do
// not settle a rule, and of what it does not model at all. Every place in the engine that
// relies on an assumption names it with `assumed('<key>')`, so a reader can find each use.
// Pure: no CDK, no I/O.

/** Rules the documentation does not settle, that the rehearsal assumes. */
export const REHEARSAL_ASSUMPTIONS = {
  'evaluation-range': 'A metric alarm retrieves Evaluation Periods + 2 datapoints (its evaluation range). The page gives 5 for 3 evaluation '
    + 'periods and says the exact number "depends on the length of the alarm period"; the rehearsal uses N + 2 for every period.',
  'sliding-window-edges': 'The sliding window of an alarm evaluated at minute t covers the periods ending at t, t - P, t - 2P, ... '
    + '(whole minutes; the page\'s example "at the end of minute 6 ... data from minutes 2 to 6").',
  'publication-delay': 'A datapoint is readable a fixed time after its minute (or 5-minute block) ends: 2 minutes for EC2 status checks and '
    + 'detailed monitoring, 10 minutes for basic monitoring (the longest of the "5 to 10" the timing suite uses), 1 minute for the agent, '
    + 'Auto Scaling group metrics, metric filters and SNS metrics, 5 minutes for CloudTrail events to reach CloudWatch Logs.',
  'status-check-start': 'A launched instance publishes status checks (and the agent starts) 6 minutes after launch: boot plus the '
    + '"initializing" status checks. A started (not launched) instance reports after 3 minutes.',
  'group-replacement': 'An Auto Scaling group replaces an instance whose status check has failed for 3 minutes (terminate, then launch); '
    + 'it launches or terminates one minute after its desired capacity changes.',
  'target-tracking': 'Target tracking is not evaluated from its own alarms: desired capacity follows the scenario\'s load directly '
    + '(instances needed at the target), scaling out at once and in after 15 minutes.',
  'math-missing-union': 'Arithmetic between time series yields a datapoint at every timestamp at least one operand has, the others counting '
    + 'as 0 ("Missing values in a time series are treated as 0"); a timestamp no operand has stays missing.',
  'contributor-alarm-level': 'A multi-time-series alarm is in ALARM while any contributor is; with no series at all it treats the whole '
    + 'range as missing data. SNS actions run both for the alarm and for each contributor (the page lists both levels).',
  'suppression-expiry': 'When a composite\'s WaitPeriod or ExtensionPeriod ends, it runs the actions of its current state only when that state '
    + 'differs from the state whose actions last ran ("take actions that are based on their current states").',
  'anomaly-band': 'ANOMALY_DETECTION_BAND is not learned: the band is missing, so the alarm sees missing data.',
  'tag-enrichment': 'Resource tags reach Metrics Insights at once (the page allows up to 3 hours for discovery), and only for AWS namespaces '
    + 'with an InstanceId dimension.',
  'log-default-value': 'A metric filter with a DefaultValue publishes it once per minute in which the group received events but none matched.',
  'mute-rule-end': 'When a mute window ends, an alarm still in the state of its first muted transition runs that state\'s actions; one '
    + 'that moved on (ALARM at night, OK again before the window ends) runs none, OK included. The page\'s scenarios configure only '
    + 'ALARM actions and say "the same state in which it was originally muted".',
  'warm-up-end': 'An alarm in warm-up stays INSUFFICIENT_DATA without actions; the first evaluation after the warm-up acts on the transition '
    + 'out of INSUFFICIENT_DATA.',
  'percentile-rank': 'A percentile statistic is the nearest rank over the period\'s observations.',
  'missing-partial': 'With missing data treated as missing or ignored and fewer real datapoints than Evaluation Periods, the alarm goes to '
    + 'ALARM when the real datapoints alone reach Datapoints to Alarm, to OK when one of them is not breaching, and otherwise keeps its '
    + 'state (the page\'s rows with 1 or 2 datapoints to fill all follow this rule).',
  'rule-precedence': 'In a composite rule NOT binds tighter than AND, and AND tighter than OR (the library writes full parentheses).',
  'idle-function-hour': 'An EventBridge rate(1 hour) rule first runs one hour after the scenario starts, then every hour.',
} as const;

/** The key of an assumption. */
export type RehearsalAssumption = keyof typeof REHEARSAL_ASSUMPTIONS;

/** What the rehearsal leaves out; a scenario that depends on these proves nothing about them. */
export const NOT_MODELLED: readonly string[] = [
  'High-resolution alarms (10, 20, 30 s periods): evaluated as 1-minute alarms.',
  'Anomaly-detection models (the band is missing), SEARCH(), INSIGHT_RULE and SERVICE_QUOTA in math, PromQL alarms.',
  'Auto Scaling policy actions on alarms (they act once a minute in AWS); target tracking follows the scenario\'s load instead.',
  'Systems Manager OpsItems, Incident Manager and Lambda alarm actions (listed, not run).',
  'Cross-account and cross-Region alarms; nested stacks.',
  'The 3-hour discovery of resource tags for tag-filtered queries; Metrics Insights PARTIAL_DATA above 10,000 matched metrics.',
  'AWS/DynamoDB alarms ignoring missing data; percentile low-sample settings (EvaluateLowSampleCountPercentile).',
  'EventBridge rules (notifications of EC2 state changes and Auto Scaling failures) other than the schedules that start, stop and switch alarms.',
];

/** Marks a place that relies on an assumption; returns the key so it can be recorded. */
export function assumed(key: RehearsalAssumption): RehearsalAssumption {
  return key;
}
