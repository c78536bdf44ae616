import { Duration, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AgentConfig, AgentOs, AgentPlugin, AlertTopic, IdleShutdown, MonitoredService, ScheduledStartStop, ServiceAlarmOptions, ServiceCompute } from '../../src';
import { heartbeatWindow } from '../../src/agent/agent-heartbeat';
import { newStack } from '../helpers';
import { EvaluationOptions, Series, evaluateAlarm } from '../helpers/alarm-evaluation';
import { importedVpc } from '../service/fake-agent-metrics';

type Json = any;

function service(compute: ServiceCompute, agent: AgentConfig, idle = false, alarms?: ServiceAlarmOptions) {
  const stack = newStack();
  const alertTopic = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] });
  const idleShutdown = idle ? new IdleShutdown(stack, 'Idle', { alertTopic }) : undefined;
  const svc = new MonitoredService(stack, 'Svc', {
    vpc: importedVpc(stack),
    alertTopic,
    agent,
    compute,
    idleShutdown,
    alarms,
    // The dashboard graphs memory: without it, only the alarms are under test.
    dashboard: alarms === undefined,
  });
  const template = Template.fromStack(stack).toJSON();
  const heartbeats = Object.entries<Json>(template.Resources)
    .filter(([id, r]) => r.Type === 'AWS::CloudWatch::Alarm' && id.includes('AgentHeartbeat'));
  return { stack, svc, template, heartbeats, alertTopic };
}

describe('Agent heartbeat alarm', () => {
  test('a single instance: no agent sample for 10 minutes pages, and a stopped instance counts as silent', () => {
    const { stack, svc, heartbeats } = service(ServiceCompute.newInstance(), new AgentConfig());
    expect(heartbeats).toHaveLength(1);
    const [[, alarm]] = heartbeats;
    expect(alarm.Properties).toMatchObject({
      Namespace: 'CWAgent',
      MetricName: 'mem_used_percent',
      Dimensions: [{ Name: 'InstanceId', Value: stack.resolve(svc.instances[0].instanceId) }],
      Statistic: 'SampleCount',
      Period: 60,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      // Within the 15 minutes after which a scheduled start turns liveness alarms on again.
      EvaluationPeriods: 10,
      DatapointsToAlarm: 10,
      TreatMissingData: 'breaching',
    });
    expect(alarm.Properties.AlarmActions).toHaveLength(1);
    // A liveness alarm: schedules and idle shutdown silence it with the status checks.
    const liveness = svc.alarmSets[0].livenessAlarms.map(a => stack.resolve((a.node.defaultChild as Json).logicalId));
    expect(liveness).toContain(heartbeats[0][0]);
  });

  test('an instance opted in to idle shutdown names its heartbeat among the liveness alarms it silences', () => {
    const { template, heartbeats } = service(ServiceCompute.newInstance(), new AgentConfig(), true);
    const [instance] = Object.values<Json>(template.Resources).filter(r => r.Type === 'AWS::EC2::Instance');
    const named = instance.Properties.Tags.filter((t: Json) => String(t.Key).startsWith('watchkeeper:liveness-alarm-')).map((t: Json) => t.Value);
    expect(heartbeats).toHaveLength(1);
    expect(named).toContainEqual(expect.stringMatching(/AgentHeartbeat/));
  });

  test('a scheduled stop mutes it with the other liveness alarms over each stop window, the default delay after the start included', () => {
    const { stack, svc, alertTopic } = service(ServiceCompute.newInstance(), new AgentConfig());
    const schedule = new ScheduledStartStop(stack, 'OfficeHours', {
      instances: svc.instances,
      alertTopic,
      start: 'cron(0 7 ? * MON-FRI *)',
      stop: 'cron(0 20 ? * MON-FRI *)',
      timeZone: 'Europe/Berlin',
      livenessAlarms: svc.alarmSets.flatMap(set => set.livenessAlarms),
    });
    const heartbeat = svc.alarmSets.flatMap(set => set.livenessAlarms).find(a => a.node.path.endsWith('AgentHeartbeat'))!;
    // Weekday nights, the weekend and the hour before each start until 15 minutes after it.
    expect(schedule.muteRules.length).toBe(3);
    for (const rule of schedule.muteRules) {
      expect(stack.resolve((rule.muteTargets as any).alarmNames)).toContainEqual(stack.resolve(heartbeat.alarmName));
    }
  });

  test('a group: in-service instances minus agent samples per instance over ten one-minute periods, so a group scaled to zero never pages', () => {
    const { stack, svc, heartbeats } = service(ServiceCompute.newAutoScalingGroup(), new AgentConfig());
    expect(heartbeats).toHaveLength(1);
    const p = heartbeats[0][1].Properties;
    const group = stack.resolve(svc.autoScalingGroup!.autoScalingGroupName);
    const byId = Object.fromEntries(p.Metrics.map((m: Json) => [m.Id, m]));
    expect(byId.expr_1.Expression).toBe('inService - FILL(samples, 0) / 1');
    expect(byId.inService.MetricStat).toEqual({
      Metric: { Namespace: 'AWS/AutoScaling', MetricName: 'GroupInServiceInstances', Dimensions: [{ Name: 'AutoScalingGroupName', Value: group }] },
      Period: 60,
      Stat: 'Average',
    });
    expect(byId.samples.MetricStat).toEqual({
      Metric: { Namespace: 'CWAgent', MetricName: 'mem_used_percent', Dimensions: [{ Name: 'AutoScalingGroupName', Value: group }] },
      Period: 60,
      Stat: 'SampleCount',
    });
    expect(p).toMatchObject({ Threshold: 0.5, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 10, DatapointsToAlarm: 8, TreatMissingData: 'breaching' });
    expect(svc.alarmSets[0].livenessAlarms.map(a => stack.resolve((a.node.defaultChild as Json).logicalId))).toContain(heartbeats[0][0]);
  });

  test('a Windows instance watches the Memory counter the agent publishes', () => {
    const { heartbeats } = service(ServiceCompute.newInstance({
      machineImage: ec2.MachineImage.latestWindows(ec2.WindowsVersion.WINDOWS_SERVER_2022_ENGLISH_FULL_BASE),
      rootDeviceName: '/dev/sda1',
    }), new AgentConfig({ os: AgentOs.WINDOWS }));
    expect(heartbeats).toHaveLength(1);
    expect(heartbeats[0][1].Properties.MetricName).toBe('Memory % Committed Bytes In Use');
    expect(heartbeats[0][1].Properties.Dimensions.map((d: Json) => d.Name).sort()).toEqual(['InstanceId', 'objectname']);
  });

  test('falls back to swap without memory, and adds none when the agent publishes neither', () => {
    const noMemory = { memory: { enabled: false }, disk: { enabled: false } };
    const swapOnly = service(ServiceCompute.newInstance(), new AgentConfig({ metrics: [AgentPlugin.swap()] }), false, noMemory);
    expect(swapOnly.heartbeats.map(([, a]) => a.Properties.MetricName)).toEqual(['swap_used_percent']);
    const noAgentAlarms = { ...noMemory, swap: { enabled: false } };
    const cpuOnly = service(ServiceCompute.newInstance(), new AgentConfig({ metrics: [AgentPlugin.cpu()] }), false, noAgentAlarms);
    expect(cpuOnly.heartbeats).toEqual([]);
  });

  test('a group reads samples from a whole number of collections per instance', () => {
    const windows = [60, 10, 30, 120, 45, 7, 600, 86_400].map(s => heartbeatWindow(s));
    expect(windows.map(w => w.period.toSeconds())).toEqual([60, 60, 60, 120, 180, 420, 600, 86_400]);
    expect(windows.map(w => w.evaluationPeriods)).toEqual([10, 10, 10, 5, 3, 1, 1, 1]);
    const { heartbeats } = service(ServiceCompute.newAutoScalingGroup(), new AgentConfig({ interval: Duration.minutes(2) }));
    const metrics = heartbeats[0][1].Properties.Metrics;
    expect(metrics.find((m: Json) => m.Expression).Expression).toBe('inService - FILL(samples, 0) / 1');
    expect(metrics.filter((m: Json) => m.MetricStat).map((m: Json) => m.MetricStat.Period)).toEqual([120, 120]);
    const thirty = service(ServiceCompute.newAutoScalingGroup(), new AgentConfig({ interval: Duration.seconds(30) }))
      .heartbeats[0][1].Properties.Metrics;
    expect(thirty.find((m: Json) => m.Expression).Expression).toBe('inService - FILL(samples, 0) / 2');
  });
});

describe('Agent heartbeat of a group, evaluated as CloudWatch documents alarms and metric math', () => {
  const READINGS: EvaluationOptions[] = [{ fillOfEmptySeries: 'filled' }, { fillOfEmptySeries: 'empty' }];
  /** The group's heartbeat and in-service capacity alarms, and the samples one instance publishes per period. */
  function groupAlarms() {
    const { template, heartbeats } = service(ServiceCompute.newAutoScalingGroup(), new AgentConfig());
    expect(heartbeats).toHaveLength(1);
    const heartbeat = heartbeats[0][1].Properties;
    const perInstance = Number(/\/ (\d+)$/.exec(heartbeat.Metrics.find((m: Json) => m.Expression).Expression)![1]);
    const capacity = Object.entries<Json>(template.Resources)
      .filter(([id, r]) => r.Type === 'AWS::CloudWatch::Alarm' && id.includes('InServiceCapacity')).map(([, r]) => r.Properties);
    expect(capacity).toHaveLength(1);
    return { heartbeat, capacity: capacity[0], perInstance };
  }
  const periods = (n: number, v: number | undefined): Series => new Array(n).fill(v);

  for (const reading of READINGS) {
    test(`pages when every agent of the group dies while its instances stay in service (FILL of an empty series ${reading.fillOfEmptySeries})`, () => {
      const { heartbeat } = groupAlarms();
      const n = heartbeat.EvaluationPeriods;
      expect(evaluateAlarm(heartbeat, { inService: periods(n, 3), samples: periods(n, undefined) }, reading)).toBe('ALARM');
    });

    test(`pages when one agent of three dies, and stays OK while all publish or the group is scaled to zero (FILL of an empty series ${reading.fillOfEmptySeries})`, () => {
      const { heartbeat, perInstance } = groupAlarms();
      const n = heartbeat.EvaluationPeriods;
      expect(evaluateAlarm(heartbeat, { inService: periods(n, 3), samples: periods(n, 2 * perInstance) }, reading)).toBe('ALARM');
      expect(evaluateAlarm(heartbeat, { inService: periods(n, 3), samples: periods(n, 3 * perInstance) }, reading)).toBe('OK');
      expect(evaluateAlarm(heartbeat, { inService: periods(n, 0), samples: periods(n, undefined) }, reading)).toBe('OK');
    });
  }

  test('pages for a dead agent while the newest in-service counts have not arrived; a booting instance does not page', () => {
    const { heartbeat, perInstance } = groupAlarms();
    const n = heartbeat.EvaluationPeriods;
    // Oldest first. One of three agents dead; the last two periods lack GroupInServiceInstances.
    const lagging = { inService: [...periods(n - 2, 3), undefined, undefined], samples: periods(n, 2 * perInstance) };
    for (const reading of READINGS) expect(evaluateAlarm(heartbeat, lagging, reading)).toBe('ALARM');
    // A new instance in service five minutes before its agent runs, then publishing.
    const booting = { inService: periods(n, 3), samples: [...periods(n - 5, 3 * perInstance), ...periods(5, 2 * perInstance)] };
    for (const reading of READINGS) expect(evaluateAlarm(heartbeat, booting, reading)).toBe('OK');
  });

  // The README: liveness alarms (status checks, agent heartbeat) treat missing data as breaching.
  test('treats missing data as breaching, as every liveness alarm does', () => {
    for (const compute of [ServiceCompute.newAutoScalingGroup(), ServiceCompute.newInstance()]) {
      const { stack, svc, template } = service(compute, new AgentConfig());
      const liveness = svc.alarmSets.flatMap(s => s.livenessAlarms).map(a => stack.resolve((a.node.defaultChild as Json).logicalId));
      expect(liveness.some((id: string) => id.includes('AgentHeartbeat'))).toBe(true);
      // the heartbeat itself; a group's status checks are not breaching on purpose (a group scaled to zero reports nothing)
      const metricAlarms = liveness.filter((id: string) => template.Resources[id].Type === 'AWS::CloudWatch::Alarm' && id.includes('AgentHeartbeat'));
      expect(metricAlarms.map((id: string) => [id, template.Resources[id].Properties.TreatMissingData]))
        .toEqual(metricAlarms.map((id: string) => [id, 'breaching']));
    }
  });

  // Neither series has a value: the group is gone or its metrics are off, and its agents are silent.
  test('pages when the whole group goes dark: the heartbeat where CloudWatch leaves the expression empty, the capacity alarm always', () => {
    const { heartbeat, capacity } = groupAlarms();
    const n = heartbeat.EvaluationPeriods;
    const dark = { inService: periods(n, undefined), samples: periods(n, undefined) };
    expect(evaluateAlarm(heartbeat, dark, { fillOfEmptySeries: 'empty' })).toBe('ALARM');
    const m = capacity.EvaluationPeriods;
    for (const reading of READINGS) {
      expect(evaluateAlarm(capacity, { inService: periods(m, undefined), minSize: periods(m, undefined) }, reading)).toBe('ALARM');
    }
  });
});
