// cdk-monitoring-constructs configured with the same alarms and dashboards as a default
// MonitoredService: CPU, memory, disk, status check and in-service capacity, plus the
// per-service dashboards the facade creates. Used only by the benchmark.
import { Duration, Stack, aws_autoscaling as autoscaling, aws_cloudwatch as cloudwatch, aws_sns as sns } from 'aws-cdk-lib';
import {
  DefaultDashboardFactory, IDynamicDashboardFactory, MonitoringFacade, SnsAlarmActionStrategy,
} from 'cdk-monitoring-constructs';

const GT = cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD;
const LT = cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD;

/** A dashboard factory that makes no dashboard: the facade's alarms alone, to tell their cost from the dashboards'. */
const NO_DASHBOARDS: IDynamicDashboardFactory = {
  addDynamicSegment: () => undefined,
  getDashboard: () => undefined,
};

export function monitorWithPeer(stack: Stack, id: string, asg: autoscaling.AutoScalingGroup, topic: sns.ITopic, dashboards = true): void {
  const facade = new MonitoringFacade(stack, `${id}Monitoring`, {
    alarmFactoryDefaults: {
      alarmNamePrefix: id,
      actionsEnabled: true,
      action: new SnsAlarmActionStrategy({ onAlarmTopic: topic }),
    },
    metricFactoryDefaults: {},
    dashboardFactory: dashboards ? new DefaultDashboardFactory(stack, `${id}Dashboards`, { dashboardNamePrefix: id }) : NO_DASHBOARDS,
  });
  const group = { AutoScalingGroupName: asg.autoScalingGroupName };
  const metric = (namespace: string, metricName: string, statistic: string, dims: Record<string, string>) =>
    new cloudwatch.Metric({ namespace, metricName, statistic, dimensionsMap: dims, period: Duration.minutes(5) });
  facade
    .monitorAutoScalingGroup({ autoScalingGroup: asg, alarmFriendlyName: `${id}Asg` })
    .monitorEC2Instances({ autoScalingGroup: asg, alarmFriendlyName: `${id}Ec2` })
    .monitorCustom({
      alarmFriendlyName: `${id}Health`,
      metricGroups: [{
        title: 'Health',
        metrics: [
          { metric: metric('AWS/EC2', 'CPUUtilization', 'Average', group), alarmFriendlyName: 'Cpu', addAlarm: { Critical: { threshold: 80, comparisonOperator: GT } } },
          { metric: metric('CWAgent', 'mem_used_percent', 'Average', group), alarmFriendlyName: 'Memory', addAlarm: { Critical: { threshold: 90, comparisonOperator: GT } } },
          { metric: metric('CWAgent', 'disk_used_percent', 'Average', { ...group, path: '/' }), alarmFriendlyName: 'Disk', addAlarm: { Critical: { threshold: 85, comparisonOperator: GT } } },
          { metric: metric('AWS/EC2', 'StatusCheckFailed', 'Maximum', group), alarmFriendlyName: 'StatusCheck', addAlarm: { Critical: { threshold: 0, comparisonOperator: GT } } },
          { metric: metric('AWS/AutoScaling', 'GroupInServiceInstances', 'Minimum', group), alarmFriendlyName: 'InService', addAlarm: { Critical: { threshold: 1, comparisonOperator: LT } } },
        ],
      }],
    });
}
