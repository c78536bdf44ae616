import { aws_cloudwatch as cloudwatch, aws_logs as logs } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { CisControl } from './cis-controls';
import { CIS_FILTERS } from './private/cis-filters';
import { AlarmRouting, AlarmSeverity } from '../core/alarm-routing';
import { AlarmSet } from '../core/alarm-set';
import { IAlertTopic } from '../core/alert-topic-base';
import { checkNamespace, checkUnique, invalid } from '../private/validation';

/** Properties of {@link CisBenchmarkAlarms}. */
export interface CisBenchmarkAlarmsProps {
  /** The CloudWatch Logs group a CloudTrail trail delivers to. */
  readonly logGroup: logs.ILogGroup;
  /** Where the alarms notify, as a shortcut for `routing: AlarmRouting.toTopic(topic)`. */
  readonly alertTopic: IAlertTopic;
  /**
   * Where the alarms notify, by severity. They are INFO security notifications, not outages (an
   * ordinary deploy that changes security groups, routes or IAM trips them): route INFO to the
   * people who review security events, e.g. `new AlarmRouting({ critical: [pager], info: [security] })`.
   * They never notify OK (the metric goes quiet five minutes later: nothing recovered).
   * @default - every severity to `alertTopic`
   */
  readonly routing?: AlarmRouting;
  /**
   * The controls to monitor.
   * @default - every control of CisControl
   */
  readonly controls?: CisControl[];
  /**
   * The namespace of the metrics.
   * @default 'CISBenchmark'
   */
  readonly metricNamespace?: string;
}

/**
 * The CIS AWS Foundations Benchmark monitoring controls on a CloudTrail log group: one
 * metric filter and one alarm per control (any matching event in 5 minutes notifies the
 * topic). Use it on the group of an existing trail; `AuditTrail` creates it for its own.
 *
 * Each alarm is a security notification, labelled as such: severity INFO (it pages no on-call
 * engineer: the stack's own deploys change security groups, routes and IAM), and no OK
 * notification.
 *
 * Cost: 15 alarms ($1.50/month) and up to 15 custom metrics ($4.50/month), published
 * only when a matching event happens.
 *
 * @example
 * declare const alerts: AlertTopic;
 * const trailLogs = logs.LogGroup.fromLogGroupName(this, 'TrailLogs', 'org-trail-logs');
 * new CisBenchmarkAlarms(this, 'Cis', { logGroup: trailLogs, alertTopic: alerts });
 */
export class CisBenchmarkAlarms extends Construct {
  /** The metric filters, by control. */
  public readonly metricFilters: logs.MetricFilter[] = [];
  /** The alarms, in the order of `controls`. */
  public readonly alarms: cloudwatch.Alarm[] = [];
  /** The namespace of the metrics. */
  public readonly metricNamespace: string;
  /** The set the alarms belong to (routing, names, runbook, planned downtime). */
  public readonly alarmSet: AlarmSet;
  private readonly byControl = new Map<CisControl, cloudwatch.Alarm>();

  public constructor(scope: Construct, id: string, props: CisBenchmarkAlarmsProps) {
    super(scope, id);
    this.metricNamespace = props.metricNamespace ?? 'CISBenchmark';
    checkNamespace(this, this.metricNamespace, 'metricNamespace');
    const controls = props.controls ?? Object.values(CisControl);
    if (controls.length === 0) invalid(this, 'controls', 'a non-empty list', controls);
    checkUnique(this, 'controls', controls);
    const routing = securityRouting(props.routing ?? AlarmRouting.toTopic(props.alertTopic));

    this.alarmSet = new AlarmSet(this, 'Alarms', { routing });
    for (const control of controls) {
      const spec = CIS_FILTERS[control];
      const filter = new logs.MetricFilter(this, spec.metricName, {
        logGroup: props.logGroup,
        filterPattern: logs.FilterPattern.literal(spec.pattern),
        metricNamespace: this.metricNamespace,
        metricName: spec.metricName,
        metricValue: '1',
      });
      this.metricFilters.push(filter);
      const metric = new cloudwatch.Metric({ namespace: this.metricNamespace, metricName: spec.metricName });
      const alarm = this.alarmSet.addLogMetricAlarm(spec.metricName, metric, {
        threshold: 1,
        statistic: 'Sum',
        severity: AlarmSeverity.INFO,
        alarmDescription: `Security notification (not an outage): ${spec.description}. `
          + `Check the CloudTrail events in ${props.logGroup.logGroupName} from the last 5 minutes: expected if a deploy changed them.`,
      });
      this.alarms.push(alarm);
      this.byControl.set(control, alarm);
    }
  }

  /** The alarm of one control, when it is monitored. */
  public alarmFor(control: CisControl): cloudwatch.Alarm | undefined {
    return this.byControl.get(control);
  }
}

/** The routing of security notifications: the same topics per severity, never an OK notification. */
function securityRouting(routing: AlarmRouting): AlarmRouting {
  return new AlarmRouting({
    critical: routing.topicsFor(AlarmSeverity.CRITICAL),
    warning: routing.topicsFor(AlarmSeverity.WARNING),
    info: routing.topicsFor(AlarmSeverity.INFO),
    notifyOnOk: false,
    notifyOnInsufficientData: routing.notifyOnInsufficientData,
  });
}
