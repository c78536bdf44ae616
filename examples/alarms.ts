// Alarms in the example app: presets on an instance this app does not define (watched by id),
// and fleet-wide alarms through Metrics Insights over the legacy fleet (instances tagged fleet=example-legacy).
import { Annotations, Duration, aws_cloudwatch as cloudwatch, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  AlarmRouting, AlarmSet, AlarmSeverity, AnomalyDirection, FleetAlarms, IAlertTopic, InstanceAlarms,
  MetricsInsightsAggregation, MetricsInsightsQuery, MonitoredService,
} from '../src';

/** Watches an existing instance and the whole fleet; every alarm notifies `alerts`. */
export function addExampleAlarms(scope: Construct, alerts: IAlertTopic): void {
  const routing = AlarmRouting.toTopic(alerts);

  const legacy = new InstanceAlarms(scope, 'LegacyHostAlarms', {
    instanceId: 'i-0123456789abcdef0',
    instanceType: new ec2.InstanceType('t3.small'),
    routing,
    alarmNamePrefix: 'example-legacy-host',
    runbookUrl: 'https://wiki.example.com/runbooks/legacy-host',
    tags: { service: 'example', team: 'platform' },
    cpu: { thresholdPercent: 85 },
  });

  // The fleet queries filter on instance tags, which metrics carry once resource tags for
  // telemetry are on. That is one setting per account and Region (ResourceTagsForTelemetry,
  // or FleetAlarms' enableResourceTagsForTelemetry), kept in the account's own setup rather
  // than in a stack deployed once per environment: acknowledged here, with the reason.
  Annotations.of(scope).acknowledgeWarning('cdk-watchkeeper:MetricsInsights.resourceTagsForTelemetry',
    'Resource tags for telemetry are turned on once per account and Region by the account setup, outside this app.');
  const fleet = new AlarmSet(scope, 'FleetAlarms', { routing, alarmNamePrefix: 'example-fleet', tags: { service: 'example' } });
  const anyStatusCheck = fleet.addMetricsInsightsAlarm('AnyStatusCheckFailed', {
    query: MetricsInsightsQuery.aggregate({
      aggregation: MetricsInsightsAggregation.MAX,
      namespace: 'AWS/EC2',
      metricName: 'StatusCheckFailed',
      schemaDimensions: ['InstanceId'],
      where: { 'tag.fleet': 'example-legacy' },
    }),
    threshold: 1,
    period: Duration.minutes(1),
    evaluationPeriods: 3,
    severity: AlarmSeverity.CRITICAL,
    description: 'At least one instance of the legacy fleet (tagged fleet=example-legacy) fails a status check. '
      + 'Run the query grouped by InstanceId in CloudWatch Metrics Insights to find it.',
  });
  fleet.addMetricsInsightsAlarm('BusiestCpu', {
    query: MetricsInsightsQuery.aggregate({
      aggregation: MetricsInsightsAggregation.MAX,
      namespace: 'AWS/EC2',
      metricName: 'CPUUtilization',
      schemaDimensions: ['InstanceId'],
      where: { 'tag.fleet': 'example-legacy' },
    }),
    threshold: 95,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
  });
  fleet.addCompositeAlarm('LegacyHostDown', {
    rule: cloudwatch.AlarmRule.allOf(
      cloudwatch.AlarmRule.fromAlarm(anyStatusCheck, cloudwatch.AlarmState.ALARM),
      cloudwatch.AlarmRule.anyOf(...legacy.livenessAlarms.map(a => cloudwatch.AlarmRule.fromAlarm(a, cloudwatch.AlarmState.ALARM))),
    ),
    description: 'The legacy host fails its status checks. Follow the runbook.',
    runbookUrl: 'https://wiki.example.com/runbooks/legacy-host',
  });
  fleet.addAnomalyAlarm('LegacyHostCpuAnomaly', new cloudwatch.Metric({
    namespace: 'AWS/EC2', metricName: 'CPUUtilization', dimensionsMap: { InstanceId: legacy.instanceId }, period: Duration.minutes(5),
  }), { direction: AnomalyDirection.ABOVE, severity: AlarmSeverity.INFO });
}

/**
 * One Metrics Insights alarm per signal for every Auto Scaling group of the app, notifying per
 * instance: status checks (the group replaces a failing instance), CPU, and a count of
 * reporting instances that notices a vanished one. A per-instance OK can mean the instance is
 * gone (it stopped reporting); each description says so. A new group joins by
 * `addAutoScalingGroup`, and the instances it already runs are tagged at deploy.
 */
export function addExampleFleetAlarms(scope: Construct, alerts: IAlertTopic, services: MonitoredService[]): FleetAlarms {
  const fleet = new FleetAlarms(scope, 'ServiceFleet', {
    routing: AlarmRouting.toTopic(alerts),
    runbookUrl: 'https://wiki.example.com/runbooks/fleet',
  });
  for (const service of services) {
    if (service.autoScalingGroup) fleet.addAutoScalingGroup(service.autoScalingGroup);
  }
  return fleet;
}
