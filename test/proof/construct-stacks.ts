// One stack exercising the options of every top-level construct that creates an integration
// edge: bring-your-own topic (SNS default policy), Lambda subscribers and hooks, a
// customer managed EBS key, idle shutdown, scheduled start/stop, event notifications, audit trail.
import { App, Stack, aws_ec2 as ec2, aws_kms as kms, aws_lambda as lambda, aws_sns as sns } from 'aws-cdk-lib';
import {
  AlarmRouting, AlertTopic, AppLogGroup, AuditTrail, EventNotifications, IdleShutdown, InstanceAlarms,
  MonitoredService, ScheduledStartStop, ServiceCompute,
} from '../../src';

export function constructsTemplate(stackName = 'ProofConstructs'): Record<string, any> {
  const app = new App();
  const stack = new Stack(app, stackName);
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 1 });
  const handler = new lambda.Function(stack, 'Hook', {
    runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {}'),
  });
  const alerts = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'], lambdaFunctions: [handler] });

  // A topic of the user's, without a topic policy: SNS's default policy decides.
  const imported = AlertTopic.fromTopic(stack, 'Imported', { topic: new sns.Topic(stack, 'PlainTopic') });
  new InstanceAlarms(stack, 'HostAlarms', { instanceId: 'i-0123456789abcdef0', routing: AlarmRouting.toTopic(imported) });

  const idleShutdown = new IdleShutdown(stack, 'IdleShutdown', { alertTopic: alerts });
  const ebsKey = new kms.Key(stack, 'EbsKey', { enableKeyRotation: true });
  const group = new MonitoredService(stack, 'Group', {
    vpc,
    alertTopic: alerts,
    eventNotifications: true,
    compute: ServiceCompute.newAutoScalingGroup({
      blockDevices: [{ deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(16, { encrypted: true, kmsKey: ebsKey }) }],
    }),
  });
  const single = new MonitoredService(stack, 'Single', {
    vpc, alertTopic: alerts, eventNotifications: true, idleShutdown, compute: ServiceCompute.newInstance(),
  });
  new ScheduledStartStop(stack, 'OfficeHours', {
    instances: single.instances,
    alertTopic: alerts,
    start: 'cron(0 7 ? * MON-FRI *)',
    stop: 'cron(0 20 ? * MON-FRI *)',
    timeZone: 'Europe/Berlin',
    livenessAlarms: single.alarmSets.flatMap(s => s.livenessAlarms),
  });
  new EventNotifications(stack, 'Events', {
    alertTopic: alerts,
    autoScalingGroups: group.autoScalingGroup ? [group.autoScalingGroup] : undefined,
    alarmStateHook: handler,
    hookedAlarms: single.alarmSets.flatMap(s => s.livenessAlarms),
  });
  new AuditTrail(stack, 'Audit', { alertTopic: alerts });
  new AppLogGroup(stack, 'AppLogs', { logGroupName: '/proof/app' });
  return app.synth().getStackByName(stack.stackName).template;
}
