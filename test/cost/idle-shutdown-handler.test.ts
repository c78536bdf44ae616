import {
  CloudWatchClient, DescribeAlarmsCommand, DisableAlarmActionsCommand, EnableAlarmActionsCommand, GetMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import { CreateTagsCommand, DeleteTagsCommand, DescribeInstancesCommand, EC2Client, StopInstancesCommand } from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { IdleSettings } from '../../src/cost/idle-decision.pure';
import { run, settingsFromEnv } from '../../src/cost/idle-shutdown.lambda';

const ec2 = mockClient(EC2Client);
const cw = mockClient(CloudWatchClient);
const sns = mockClient(SNSClient);

const SETTINGS: IdleSettings = {
  optInTagKey: 'idle',
  optInTagValue: 'yes',
  protectionTagKey: 'keep',
  cpuPeakPercent: 5,
  networkBytes: 5_000_000,
  lookbackMinutes: 60,
  periodMinutes: 5,
  dryRun: false,
};
const NOW = new Date('2026-11-24T10:07:00Z');
const plenty = () => 600_000;

/** A running instance; opted-in ones name their two status-check alarms in tags. */
function instance(id: string, tags: Record<string, string> = { idle: 'yes' }, hibernation = false) {
  const alarms = tags.idle ? { 'watchkeeper:liveness-alarm-1': `${id}-system`, 'watchkeeper:liveness-alarm-2': `${id}-instance` } : {};
  return {
    InstanceId: id,
    State: { Name: 'running' },
    Tags: Object.entries({ ...alarms, ...tags }).map(([Key, Value]) => ({ Key, Value })),
    HibernationOptions: { Configured: hibernation },
    LaunchTime: new Date('2026-11-20T00:00:00Z'),
  };
}

/** Answers GetMetricData with idle data for every query, except busy instances (by query index). */
function metricsAnswer(busyIds: Set<string> = new Set(), missing: Set<string> = new Set()) {
  cw.on(GetMetricDataCommand).callsFake(input => ({
    MetricDataResults: input.MetricDataQueries.map((q: any) => {
      const id = q.MetricStat.Metric.Dimensions[0].Value;
      if (missing.has(id)) return { Id: q.Id, Values: [1, 1] };
      const value = q.Id.startsWith('c') ? (busyIds.has(id) ? 60 : 1) : 100;
      return { Id: q.Id, Values: Array.from({ length: 12 }, () => value) };
    }),
  }));
}

beforeEach(() => {
  ec2.reset();
  cw.reset();
  sns.reset();
  process.env.TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:alerts';
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  cw.on(DescribeAlarmsCommand).callsFake(input => ({
    MetricAlarms: input.AlarmNames.map((AlarmName: string) => ({ AlarmName, ActionsEnabled: !AlarmName.includes('off'), StateValue: 'OK' })),
  }));
});

afterEach(() => jest.restoreAllMocks());

describe('idle shutdown handler', () => {
  test('finds opted-in running instances server-side, page by page, and stops only the idle ones', async () => {
    ec2.on(DescribeInstancesCommand)
      .resolvesOnce({ Reservations: [{ Instances: [instance('i-idle'), instance('i-busy')] }], NextToken: 'p2' })
      .resolvesOnce({ Reservations: [{ Instances: [instance('i-missing'), instance('i-grouped', { 'idle': 'yes', 'aws:autoscaling:groupName': 'web' })] }] });
    metricsAnswer(new Set(['i-busy']), new Set(['i-missing']));
    ec2.on(StopInstancesCommand).resolves({});

    const result = await run(SETTINGS, plenty, NOW);

    expect(result).toEqual({ evaluated: 3, stopped: ['i-idle'], failed: [], unreached: [], dryRun: false, reenabled: 0 });
    const describes = ec2.commandCalls(DescribeInstancesCommand);
    expect(describes).toHaveLength(2);
    expect(describes[0].args[0].input.Filters).toEqual([
      { Name: 'tag:idle', Values: ['yes'] }, { Name: 'instance-state-name', Values: ['running'] },
    ]);
    expect(describes[1].args[0].input.NextToken).toBe('p2');
    const window = cw.commandCalls(GetMetricDataCommand)[0].args[0].input;
    // basic monitoring: the newest readable period ended at least 10 minutes ago
    expect(window.StartTime).toEqual(new Date('2026-11-24T08:55:00Z'));
    expect(window.EndTime).toEqual(new Date('2026-11-24T09:55:00Z'));
    expect(ec2.commandCalls(StopInstancesCommand).map(c => c.args[0].input)).toEqual([{ InstanceIds: ['i-idle'], Hibernate: undefined }]);
  });

  test('a detailed-monitoring instance gets a window that ends 3 minutes before the run, in its own calls', async () => {
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [instance('i-basic'), { ...instance('i-detailed'), Monitoring: { State: 'enabled' } }] }] });
    metricsAnswer();
    ec2.on(StopInstancesCommand).resolves({});
    await run(SETTINGS, plenty, new Date('2026-11-24T10:08:00Z'));
    const windows = cw.commandCalls(GetMetricDataCommand).map(c => c.args[0].input);
    const first = (w: any) => w.MetricDataQueries![0].MetricStat!.Metric!;
    // one call per window in each pass: CPU first, then the network of the idle ones
    expect(windows.map(w => [w.EndTime, first(w).MetricName, first(w).Dimensions![0].Value])).toEqual([
      [new Date('2026-11-24T09:55:00Z'), 'CPUUtilization', 'i-basic'],
      [new Date('2026-11-24T10:05:00Z'), 'CPUUtilization', 'i-detailed'],
      [new Date('2026-11-24T09:55:00Z'), 'NetworkIn', 'i-basic'],
      [new Date('2026-11-24T10:05:00Z'), 'NetworkIn', 'i-detailed'],
    ]);
  });

  test('reads the network only of instances whose CPU may be idle: the CPU of a busy or silent one settles it', async () => {
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: ['i-idle', 'i-busy', 'i-silent'].map(id => instance(id)) }] });
    metricsAnswer(new Set(['i-busy']), new Set(['i-silent']));
    ec2.on(StopInstancesCommand).resolves({});
    const result = await run(SETTINGS, plenty, NOW);
    const asked = (metric: string) => cw.commandCalls(GetMetricDataCommand).flatMap(c => c.args[0].input.MetricDataQueries!)
      .filter(q => q.MetricStat!.Metric!.MetricName === metric).map(q => q.MetricStat!.Metric!.Dimensions![0].Value);
    expect(asked('CPUUtilization')).toEqual(['i-idle', 'i-busy', 'i-silent']);
    expect(asked('NetworkIn')).toEqual(['i-idle']);
    expect(asked('NetworkOut')).toEqual(['i-idle']);
    expect(result.stopped).toEqual(['i-idle']);
  });

  test('silences exactly the liveness alarms the instance names, if they were on, records which, and reports to the topic', async () => {
    ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [{ Instances: [instance('i-idle', { 'idle': 'yes', 'watchkeeper:liveness-alarm-2': 'turned-off-by-a-person' })] }],
    });
    metricsAnswer();
    ec2.on(StopInstancesCommand).resolves({});
    await run(SETTINGS, plenty, NOW);
    expect(cw.commandCalls(DescribeAlarmsCommand)[0].args[0].input).toMatchObject({
      AlarmNames: ['i-idle-system', 'turned-off-by-a-person'], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
    });
    expect(cw.commandCalls(DisableAlarmActionsCommand).map(c => c.args[0].input.AlarmNames)).toEqual([['i-idle-system']]);
    expect(ec2.commandCalls(CreateTagsCommand).map(c => c.args[0].input)).toEqual([
      { Resources: ['i-idle'], Tags: [{ Key: 'watchkeeper:liveness-silenced', Value: '1' }] },
    ]);

    const publish = sns.commandCalls(PublishCommand)[0].args[0].input;
    expect(publish.TopicArn).toBe('arn:aws:sns:us-east-1:123456789012:alerts');
    expect(publish.Subject).toBe('Idle shutdown: stopped 1');
    expect(publish.Message).toContain('i-idle: stopped, idle for 60 minutes');
  });

  test('turns off without reading first the alarms the instance says are deployed on; reads only the others', async () => {
    ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [{
        Instances: [
          instance('i-managed', { 'idle': 'yes', 'watchkeeper:liveness-managed': '1 2' }),
          instance('i-mixed', { 'idle': 'yes', 'watchkeeper:liveness-managed': '1', 'watchkeeper:liveness-alarm-2': 'imported-off' }),
        ],
      }],
    });
    metricsAnswer();
    ec2.on(StopInstancesCommand).resolves({});
    await run(SETTINGS, plenty, NOW);
    expect(cw.commandCalls(DescribeAlarmsCommand).map(c => c.args[0].input.AlarmNames)).toEqual([['imported-off']]);
    expect(cw.commandCalls(DisableAlarmActionsCommand).map(c => c.args[0].input.AlarmNames)).toEqual([['i-managed-system', 'i-managed-instance', 'i-mixed-system']]);
    expect(ec2.commandCalls(CreateTagsCommand).map(c => c.args[0].input)).toEqual([
      { Resources: ['i-managed'], Tags: [{ Key: 'watchkeeper:liveness-silenced', Value: '1 2' }] },
      { Resources: ['i-mixed'], Tags: [{ Key: 'watchkeeper:liveness-silenced', Value: '1' }] },
    ]);
  });

  test('a run over 10,000 instances, 2,000 of them idle, takes at most 100 calls and stops exactly the idle ones', async () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => `i-${i}`);
    const idle = new Set(ids.filter((_, i) => i % 5 === 0));
    ec2.on(DescribeInstancesCommand).callsFake(input => {
      const start = Number(input.NextToken ?? 0);
      return {
        Reservations: [{ Instances: ids.slice(start, start + 1000).map(id => instance(id, { 'idle': 'yes', 'watchkeeper:liveness-managed': '1 2' })) }],
        NextToken: start + 1000 < ids.length ? String(start + 1000) : undefined,
      };
    });
    metricsAnswer(new Set(ids.filter(id => !idle.has(id))));
    ec2.on(StopInstancesCommand).resolves({});
    const result = await run(SETTINGS, plenty, NOW);
    expect(new Set(result.stopped)).toEqual(idle);
    const calls = [ec2, cw].flatMap(client => client.calls()).length;
    expect(calls).toBeLessThanOrEqual(100);
    // CPU of all at 500 a call, network of the idle at 250; alarms 100 a call; tags 1,000 a call
    expect(cw.commandCalls(GetMetricDataCommand)).toHaveLength(ids.length / 500 + idle.size / 250);
    expect(cw.commandCalls(DescribeAlarmsCommand)).toHaveLength(0);
    expect(cw.commandCalls(DisableAlarmActionsCommand)).toHaveLength(2 * idle.size / 100);
    expect(ec2.commandCalls(CreateTagsCommand)).toHaveLength(idle.size / 1000);
  });

  test('hibernates instances launched with hibernation, in their own call', async () => {
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [instance('i-a'), instance('i-h', { idle: 'yes' }, true)] }] });
    metricsAnswer();
    ec2.on(StopInstancesCommand).resolves({});
    await run(SETTINGS, plenty, NOW);
    expect(ec2.commandCalls(StopInstancesCommand).map(c => c.args[0].input)).toEqual([
      { InstanceIds: ['i-a'], Hibernate: undefined }, { InstanceIds: ['i-h'], Hibernate: true },
    ]);
  });

  test('one bad instance does not abort the batch: EC2 refusals are split and retried, failures reported and re-alarmed', async () => {
    const ids = ['i-1', 'i-2', 'i-bad', 'i-4'];
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: ids.map(id => instance(id)) }] });
    metricsAnswer();
    ec2.on(StopInstancesCommand).callsFake(input => {
      if (input.InstanceIds.includes('i-bad')) throw Object.assign(new Error('The instance is not in a state from which it can be stopped'), { name: 'IncorrectInstanceState' });
      return {};
    });
    const result = await run(SETTINGS, plenty, NOW);
    expect(result.stopped.sort()).toEqual(['i-1', 'i-2', 'i-4']);
    expect(result.failed).toEqual([{ instanceId: 'i-bad', error: 'IncorrectInstanceState: The instance is not in a state from which it can be stopped' }]);
    expect(cw.commandCalls(EnableAlarmActionsCommand)[0].args[0].input.AlarmNames).toEqual(['i-bad-system', 'i-bad-instance']);
    expect(ec2.commandCalls(DeleteTagsCommand).map(c => c.args[0].input)).toEqual([{ Resources: ['i-bad'], Tags: [{ Key: 'watchkeeper:liveness-silenced' }] }]);
    expect(sns.commandCalls(PublishCommand)[0].args[0].input.Subject).toBe('Idle shutdown: stopped 3, 1 failed');
  });

  test('asks for metrics in calls of at most 500 queries (CPU of 500 instances, network of 250), following NextToken', async () => {
    const ids = Array.from({ length: 400 }, (_, i) => `i-${i}`);
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: ids.map(id => instance(id)) }] });
    let paged = false;
    cw.on(GetMetricDataCommand).callsFake(input => {
      const results = input.MetricDataQueries.map((q: any) => ({ Id: q.Id, Values: Array.from({ length: paged || input.NextToken ? 6 : 6 }, () => (q.Id.startsWith('c') ? 1 : 10)) }));
      if (!input.NextToken) { paged = true; return { MetricDataResults: results, NextToken: 'more' }; }
      return { MetricDataResults: results };
    });
    ec2.on(StopInstancesCommand).resolves({});
    const result = await run(SETTINGS, plenty, NOW);
    const calls = cw.commandCalls(GetMetricDataCommand).map(c => c.args[0].input);
    expect(calls.every(c => c.MetricDataQueries!.length <= 500)).toBe(true);
    // 400 CPU queries, then 800 network queries of the 400 whose CPU is idle
    expect(calls.filter(c => !c.NextToken).map(c => c.MetricDataQueries!.length)).toEqual([400, 500, 300]);
    expect(calls.filter(c => c.NextToken === 'more')).toHaveLength(3);
    expect(result.stopped).toHaveLength(400);
    expect(ec2.commandCalls(StopInstancesCommand).map(c => c.args[0].input.InstanceIds!.length)).toEqual([100, 100, 100, 100]);
  });

  test('dry run decides and reports but stops and silences nothing', async () => {
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [instance('i-idle')] }] });
    metricsAnswer();
    const result = await run({ ...SETTINGS, dryRun: true }, plenty, NOW);
    expect(result.stopped).toEqual([]);
    expect(ec2.commandCalls(StopInstancesCommand)).toHaveLength(0);
    expect(cw.commandCalls(DisableAlarmActionsCommand)).toHaveLength(0);
    expect(sns.commandCalls(PublishCommand)[0].args[0].input.Message).toContain('dry run: nothing was stopped');
  });

  test('near the time limit it stops looking and reports what it did not reach', async () => {
    const ids = Array.from({ length: 3000 }, (_, i) => `i-${i}`);
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: ids.map(id => instance(id)) }] });
    metricsAnswer(new Set(ids));
    let calls = 0;
    const remaining = () => (calls++ === 0 ? 600_000 : 5_000);
    const result = await run(SETTINGS, remaining, NOW);
    // the first group of 4 metric calls (2,000 instances' CPU) ran; the rest was not reached
    expect(result.evaluated).toBe(2000);
    expect(result.unreached).toHaveLength(1000);
    expect(sns.commandCalls(PublishCommand)[0].args[0].input.Message).toContain('Not evaluated before the time limit (1000)');
  });

  test('writes one JSON line per decision and its metrics in Embedded Metric Format', async () => {
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [instance('i-idle'), instance('i-keep', { idle: 'yes', keep: '1' })] }] });
    metricsAnswer();
    ec2.on(StopInstancesCommand).resolves({});
    await run(SETTINGS, plenty, NOW);
    const lines = (console.log as jest.Mock).mock.calls.map(c => JSON.parse(c[0]));
    expect(lines).toEqual(expect.arrayContaining([
      { decision: 'keep', instanceId: 'i-keep', reason: 'it carries the protection tag keep', dryRun: false },
      expect.objectContaining({ decision: 'stop', instanceId: 'i-idle' }),
    ]));
    const emf = lines.find(l => l._aws);
    expect(emf._aws.CloudWatchMetrics[0].Metrics.map((m: any) => m.Name)).toEqual(['InstancesEvaluated', 'InstancesStopped', 'Errors', 'InstancesNotReached']);
    expect(emf).toMatchObject({ InstancesEvaluated: 1, InstancesStopped: 1, Errors: 0, InstancesNotReached: 0 });
  });

  test('turns on again only the alarms it silenced, once OK and 15 minutes after the start; the rest wait and are reported', async () => {
    const restarted = (id: string, minutesAgo: number, silenced: string) => ({
      ...instance(id, { 'idle': 'yes', 'watchkeeper:liveness-silenced': silenced, 'keep': '' }),
      LaunchTime: new Date(NOW.getTime() - minutesAgo * 60_000),
    });
    ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [{ Instances: [restarted('i-ready', 20, '1'), restarted('i-sick', 45, '1 2'), restarted('i-booting', 5, '1 2')] }],
    });
    cw.on(DescribeAlarmsCommand).callsFake(input => ({
      MetricAlarms: input.AlarmNames.map((AlarmName: string) => ({ AlarmName, ActionsEnabled: false, StateValue: AlarmName === 'i-sick-system' ? 'ALARM' : 'OK' })),
    }));
    const result = await run(SETTINGS, plenty, NOW);
    expect(result.reenabled).toBe(2);
    // i-ready: only alarm 1 was silenced by idle shutdown; alarm 2 stays as a person left it
    expect(cw.commandCalls(EnableAlarmActionsCommand).map(c => c.args[0].input.AlarmNames)).toEqual([['i-ready-system', 'i-sick-instance']]);
    expect(ec2.commandCalls(CreateTagsCommand).map(c => c.args[0].input)).toEqual([
      { Resources: ['i-sick'], Tags: [{ Key: 'watchkeeper:liveness-silenced', Value: '1' }] },
    ]);
    expect(ec2.commandCalls(DeleteTagsCommand).map(c => c.args[0].input)).toEqual([{ Resources: ['i-ready'], Tags: [{ Key: 'watchkeeper:liveness-silenced' }] }]);
    expect(sns.commandCalls(PublishCommand)[0].args[0].input.Message).toContain('- i-sick: i-sick-system');
  });

  test('dry run turns no alarm on either', async () => {
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [instance('i-1', { 'idle': 'yes', 'watchkeeper:liveness-silenced': '1' })] }] });
    metricsAnswer(new Set(['i-1']));
    await run({ ...SETTINGS, dryRun: true }, plenty, NOW);
    expect(cw.commandCalls(EnableAlarmActionsCommand)).toHaveLength(0);
  });

  test('fails clearly on a missing or malformed setting', () => {
    expect(() => settingsFromEnv({})).toThrow('environment variable OPT_IN_TAG_KEY must be set');
    expect(() => settingsFromEnv({ OPT_IN_TAG_KEY: 'a', OPT_IN_TAG_VALUE: 'b', PROTECTION_TAG_KEY: 'c', CPU_PEAK_PERCENT: 'x' }))
      .toThrow('environment variable CPU_PEAK_PERCENT must be a number, got x');
  });
});
