import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, aws_autoscaling as autoscaling, aws_ec2 as ec2 } from 'aws-cdk-lib';
import {
  AlarmRouting, AlertTopic, AppLogGroup, AutoScalingGroupAlarms, BusinessHoursScaling, IdleShutdown, InstanceAlarms,
  MonitoringReport, ScheduledStartStop,
} from '../../src';
import type { ReportModel } from '../../src/report/private/report-model.pure';
import { TEST_ENV } from '../helpers';
import { importedVpc } from '../service/fake-agent-metrics';

interface Parts {
  readonly stack: Stack;
  readonly alerts: AlertTopic;
  readonly host: ec2.Instance;
  readonly vpc: ec2.IVpc;
}

/** What the monitoring report says about planned downtime for each alarm of a small app, by construct path. */
function plannedDowntime(build: (parts: Parts) => void): Record<string, string> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'watchkeeper-downtime-'));
  try {
    const app = new App({ outdir });
    const stack = new Stack(app, 'Svc', { env: TEST_ENV });
    const alerts = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] });
    const vpc = importedVpc(stack);
    const host = new ec2.Instance(stack, 'Host', {
      vpc, instanceType: new ec2.InstanceType('t3.micro'), machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    });
    new InstanceAlarms(stack, 'HostAlarms', { instance: host, routing: AlarmRouting.toTopic(alerts), alarmNamePrefix: 'host' });
    build({ stack, alerts, host, vpc });
    MonitoringReport.of(app);
    app.synth();
    const model: ReportModel = JSON.parse(fs.readFileSync(path.join(outdir, 'monitoring-report.json'), 'utf-8'));
    return Object.fromEntries(model.stacks.flatMap(s => s.alarms).map(a => [a.path, a.plannedDowntime]));
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function group(stack: Stack, vpc: ec2.IVpc): autoscaling.AutoScalingGroup {
  return new autoscaling.AutoScalingGroup(stack, 'Group', {
    vpc, instanceType: new ec2.InstanceType('t3.micro'), machineImage: ec2.MachineImage.latestAmazonLinux2023(), minCapacity: 1,
  });
}

describe('MonitoringReport', () => {
  test('does not warn about liveness alarms of instances nothing stops on purpose', () => {
    const downtime = plannedDowntime(() => undefined);
    expect(downtime['Svc/HostAlarms/SystemStatusCheck']).toBe('not needed (no schedule or idle shutdown of the app stops what it watches)');
    expect(downtime['Svc/HostAlarms/Cpu']).toBe('not needed (missing data is not breaching)');
  });

  test('warns that a liveness alarm pages while a schedule stops its instance, when nothing silences it', () => {
    const downtime = plannedDowntime(({ stack, host, alerts }) => {
      new ScheduledStartStop(stack, 'OfficeHours', { instances: [host], alertTopic: alerts, start: 'cron(0 7 ? * MON-FRI *)', stop: 'cron(0 20 ? * MON-FRI *)', timeZone: 'UTC' });
    });
    for (const alarm of ['SystemStatusCheck', 'InstanceStatusCheck']) {
      expect(downtime[`Svc/HostAlarms/${alarm}`]).toBe('NOT silenced: pages while its instances are stopped on purpose (stopped by the schedule Svc/OfficeHours/Stop)');
    }
    expect(downtime['Svc/HostAlarms/Cpu']).toBe('not needed (missing data is not breaching)');
  });

  test('warns that a liveness alarm pages while idle shutdown stops its instance, unless the instance names it', () => {
    const downtime = plannedDowntime(({ stack, alerts, host }) => {
      new IdleShutdown(stack, 'IdleShutdown', { alertTopic: alerts }).optIn(host);
    });
    expect(downtime['Svc/HostAlarms/SystemStatusCheck']).toMatch(/^NOT silenced: pages while its instances are stopped on purpose \(stopped by idle shutdown Svc\/IdleShutdown\/\S+ when idle\)$/);
  });

  test('does not count an opted-in instance that carries the protection tag', () => {
    const downtime = plannedDowntime(({ stack, alerts, host }) => {
      const idle = new IdleShutdown(stack, 'IdleShutdown', { alertTopic: alerts });
      idle.optIn(host);
      idle.protect(host);
    });
    expect(downtime['Svc/HostAlarms/SystemStatusCheck']).toMatch(/^not needed/);
  });

  test('warns about a group\'s liveness alarms only when a schedule scales the group to zero', () => {
    const build = (outsideHours: { minCapacity: number; maxCapacity: number }) => plannedDowntime(({ stack, alerts, vpc }) => {
      const asg = group(stack, vpc);
      new AutoScalingGroupAlarms(stack, 'GroupAlarms', { autoScalingGroup: asg, routing: AlarmRouting.toTopic(alerts), alarmNamePrefix: 'group' });
      new BusinessHoursScaling(stack, 'Hours', { autoScalingGroup: asg, timeZone: 'UTC', duringHours: { minCapacity: 1, maxCapacity: 2 }, outsideHours });
    });
    const night = build({ minCapacity: 0, maxCapacity: 0 });
    expect(night['Svc/GroupAlarms/SystemStatusCheck']).toBe('NOT silenced: pages while its instances are stopped on purpose (scaled to zero by Svc/Hours/End)');
    expect(night['Svc/GroupAlarms/InServiceCapacity']).toMatch(/^NOT silenced: .*scaled to zero by Svc\/Hours\/End/);
    const smaller = build({ minCapacity: 1, maxCapacity: 1 });
    expect(smaller['Svc/GroupAlarms/SystemStatusCheck']).toMatch(/^not needed/);
    expect(smaller['Svc/GroupAlarms/InServiceCapacity']).toMatch(/^not needed/);
  });

  test('warns about a no-logs alarm only when the instances that write the log group are stopped on purpose', () => {
    const downtime = plannedDowntime(({ stack, alerts, host }) => {
      const written = new AppLogGroup(stack, 'HostLogs');
      written.grantWrite(host.role);
      written.addNoLogsAlarm('Silent', { alertTopic: alerts });
      new AppLogGroup(stack, 'OtherLogs').addNoLogsAlarm('Silent', { alertTopic: alerts });
      new ScheduledStartStop(stack, 'OfficeHours', { instances: [host], alertTopic: alerts, start: 'cron(0 7 ? * MON-FRI *)', stop: 'cron(0 20 ? * MON-FRI *)', timeZone: 'UTC' });
    });
    expect(downtime['Svc/HostLogs/SilentSet/Silent']).toBe('NOT silenced: pages while its instances are stopped on purpose (stopped by the schedule Svc/OfficeHours/Stop)');
    expect(downtime['Svc/OtherLogs/SilentSet/Silent']).toBe('not needed (no schedule or idle shutdown of the app stops what it watches)');
  });
});
