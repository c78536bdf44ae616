/**
 * The tags every alarm of the library carries, and that CloudWatch copies into its
 * notifications (SNS messages, Lambda payloads, EventBridge state-change events) so that
 * subscribers can route and filter on them.
 *
 * Values default to: the alarm set's `serviceName` (else the stack's name), the routing
 * severity, the runbook URL (else `none`), and the set's or routing's `owner` (else
 * `unassigned`). `Tags.of(scope).add('owner', 'payments')` on any enclosing scope overrides
 * a default.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-tags-in-notifications.html
 */
export class AlarmTags {
  /** The service the alarm watches. */
  public static readonly SERVICE = 'service';
  /** CRITICAL, WARNING or INFO. */
  public static readonly SEVERITY = 'severity';
  /** The runbook URL, or `none`. */
  public static readonly RUNBOOK = 'runbook';
  /** The team that owns the alarm, or `unassigned`. */
  public static readonly OWNER = 'owner';

  /** The four keys, in the order notifications list them. */
  public static keys(): string[] {
    return [AlarmTags.SERVICE, AlarmTags.SEVERITY, AlarmTags.RUNBOOK, AlarmTags.OWNER];
  }

  private constructor() {}
}
