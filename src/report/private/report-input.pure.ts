// What the report reads of each stack, and the topics alarms notify: shared by the report
// model and the alarm entries, so neither imports the other. Pure: no CDK, no I/O.
import { TemplateResource } from './template-values.pure';

/** One stack's input: its template and what only the construct tree knows. */
export interface StackInput {
  readonly stackName: string;
  readonly template: { Resources?: Record<string, TemplateResource> };
  /** Construct path of every resource, by logical ID. */
  readonly paths: Record<string, string>;
  /** Severity the alarm pipeline recorded, by logical ID. */
  readonly severities: Record<string, string>;
  /** Logical IDs of alarms the library marks as liveness alarms. */
  readonly livenessIds: string[];
  /** Agent metric series per agent configuration parameter, by the parameter's logical ID. */
  readonly agentSeries: Record<string, string>;
  /** What each security-audit alarm is (a CIS control, audit-trail delivery), by logical ID. */
  readonly securityAudit?: Record<string, string>;
}

/** An SNS topic of the stack and who it delivers to. */
export interface TopicEntry {
  readonly logicalId: string;
  readonly path: string;
  readonly name: string;
  /** Each subscription: `protocol endpoint`, and the alarm tags it filters on when it has a filter. */
  readonly subscribers: string[];
  /**
   * The alarm-tag filter of each subscription, in the order of `subscribers` (null: receives
   * every message): tag key to the values it receives. Reports written before filters were
   * read lack it.
   */
  readonly alarmTagFilters?: Array<Record<string, string[]> | null>;
}
