import { IConstruct } from 'constructs';

/**
 * Construct metadata type under which the alarm pipeline records an alarm's severity on
 * the alarm's L1 resource, so reports can read what the routing decided instead of
 * keeping a second copy of the settings.
 */
export const SEVERITY_METADATA = 'cdk-watchkeeper:severity';

/** Records the severity the routing applied to an alarm (on its CloudFormation resource). */
export function recordSeverity(alarm: IConstruct, severity: string): void {
  const target = alarm.node.defaultChild ?? alarm;
  if (target.node.metadata.some(m => m.type === SEVERITY_METADATA)) return;
  target.node.addMetadata(SEVERITY_METADATA, severity);
}

/** The severity recorded on a construct (an alarm or its L1 resource), when one was. */
export function recordedSeverity(construct: IConstruct): string | undefined {
  const entry = construct.node.metadata.find(m => m.type === SEVERITY_METADATA);
  return typeof entry?.data === 'string' ? entry.data : undefined;
}

const analysed = new WeakMap<IConstruct, () => number>();

/**
 * Records how many metrics a Metrics Insights alarm's query analyses (it is billed per
 * metric analysed), as a function: a fleet's partitions fill as groups are added.
 */
export function recordAnalysedMetrics(alarm: IConstruct, count: () => number): void {
  analysed.set(alarm.node.defaultChild ?? alarm, count);
}

/** The metrics an alarm (or its L1 resource) analyses, when its creator recorded them. */
export function analysedMetrics(construct: IConstruct): number | undefined {
  return analysed.get(construct)?.();
}

/** What a log alarm's scheduled query reads, for the cost report. */
export interface LogAlarmQuery {
  /** The log groups it queries. */
  readonly logGroups: IConstruct[];
  /** The window each run reads (StartTimeOffset), seconds. */
  readonly windowSeconds: number;
  /** Seconds between runs. */
  readonly rateSeconds: number;
}

const logAlarmQueries = new WeakMap<IConstruct, LogAlarmQuery>();

/** Records what a log alarm (or its L1 resource) queries. */
export function recordLogAlarmQuery(alarm: IConstruct, query: LogAlarmQuery): void {
  logAlarmQueries.set(alarm.node.defaultChild ?? alarm, query);
}

/** What a log alarm's L1 resource queries, when its creator recorded it. */
export function logAlarmQuery(construct: IConstruct): LogAlarmQuery | undefined {
  return logAlarmQueries.get(construct);
}
