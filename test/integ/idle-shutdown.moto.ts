// Idle shutdown against moto's server (a local AWS emulator from PyPI), started on loopback
// by this test: real SDK clients, real requests, no AWS account. `npx projen test:integ`
// creates the virtualenv with moto first.
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';

const MOTO = path.join(__dirname, '..', '..', '.integ-venv', 'bin', 'moto_server');
const available = fs.existsSync(MOTO);
if (!available) {
  // eslint-disable-next-line no-console
  console.warn(`moto_server not found at ${MOTO}: run \`npx projen test:integ\`, which installs it into .integ-venv`);
}
const describeIfMoto = available ? describe : describe.skip;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function waitFor(port: number, deadline = Date.now() + 30_000): Promise<void> {
  while (Date.now() < deadline) {
    const up = await new Promise<boolean>(resolve => {
      const socket = net.connect(port, '127.0.0.1', () => { socket.end(); resolve(true); });
      socket.on('error', () => resolve(false));
    });
    if (up) return;
    await new Promise(r => setTimeout(r, 200));
  }
  throw new Error(`moto_server did not listen on ${port} within 30 s`);
}

describeIfMoto('idle shutdown against moto', () => {
  let moto: ChildProcess;
  let sdk: any;
  let lambda: typeof import('../../src/cost/idle-shutdown.lambda');

  beforeAll(async () => {
    const port = await freePort();
    moto = spawn(MOTO, ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
    await waitFor(port);
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_REGION: 'us-east-1',
      TOPIC_ARN: '',
    });
    // The handler creates its clients when it is loaded: load it after the endpoint is set.
    /* eslint-disable @typescript-eslint/no-require-imports */
    lambda = require('../../src/cost/idle-shutdown.lambda');
    sdk = { ec2: require('@aws-sdk/client-ec2'), cw: require('@aws-sdk/client-cloudwatch') };
    /* eslint-enable @typescript-eslint/no-require-imports */
  }, 60_000);

  afterAll(() => moto?.kill());

  test('stops the idle opted-in instance, silences the status-check alarm it names, and leaves every other instance running', async () => {
    const { EC2Client, RunInstancesCommand, DescribeInstancesCommand, DescribeImagesCommand } = sdk.ec2;
    const { CloudWatchClient, PutMetricDataCommand, PutMetricAlarmCommand, DescribeAlarmsCommand } = sdk.cw;
    const ec2 = new EC2Client({});
    const cw = new CloudWatchClient({});
    const image = (await ec2.send(new DescribeImagesCommand({}))).Images[0].ImageId;
    const launch = async (tags: Record<string, string>) => {
      const out = await ec2.send(new RunInstancesCommand({
        ImageId: image,
        InstanceType: 't3.micro',
        MinCount: 1,
        MaxCount: 1,
        TagSpecifications: [{ ResourceType: 'instance', Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }],
      }));
      return out.Instances[0].InstanceId as string;
    };
    // the idle instance names its status-check alarm in a tag, as IdleShutdown.optIn deploys it
    const idle = await launch({ 'watchkeeper:idle-shutdown': 'enabled', 'watchkeeper:liveness-alarm-1': 'idle-status-check' });
    const busy = await launch({ 'watchkeeper:idle-shutdown': 'enabled' });
    const silent = await launch({ 'watchkeeper:idle-shutdown': 'enabled' });
    const protectedOne = await launch({ 'watchkeeper:idle-shutdown': 'enabled', 'watchkeeper:keep-running': 'true' });
    const untagged = await launch({ Name: 'database' });

    const now = new Date();
    const periodMs = 300_000;
    const end = Math.floor(now.getTime() / periodMs) * periodMs;
    // the hour the run reads ends 10 minutes or more before it: publish the last 90 minutes
    for (const [id, cpu] of [[idle, 1], [busy, 60], [protectedOne, 1], [untagged, 1]] as Array<[string, number]>) {
      const data = [];
      for (let i = 1; i <= 18; i++) {
        const Timestamp = new Date(end - i * periodMs + 60_000);
        const Dimensions = [{ Name: 'InstanceId', Value: id }];
        data.push({ MetricName: 'CPUUtilization', Dimensions, Timestamp, Value: cpu });
        data.push({ MetricName: 'NetworkIn', Dimensions, Timestamp, Value: 1000 });
        data.push({ MetricName: 'NetworkOut', Dimensions, Timestamp, Value: 1000 });
      }
      await cw.send(new PutMetricDataCommand({ Namespace: 'AWS/EC2', MetricData: data }));
    }
    await cw.send(new PutMetricAlarmCommand({
      AlarmName: 'idle-status-check',
      Namespace: 'AWS/EC2',
      MetricName: 'StatusCheckFailed',
      Statistic: 'Maximum',
      Period: 60,
      EvaluationPeriods: 2,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'breaching',
      Dimensions: [{ Name: 'InstanceId', Value: idle }],
      AlarmActions: ['arn:aws:sns:us-east-1:123456789012:alerts'],
      ActionsEnabled: true,
    }));

    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const result = await lambda.run({
      optInTagKey: 'watchkeeper:idle-shutdown',
      optInTagValue: 'enabled',
      protectionTagKey: 'watchkeeper:keep-running',
      cpuPeakPercent: 5,
      networkBytes: 208_333,
      lookbackMinutes: 60,
      periodMinutes: 5,
      dryRun: false,
    }, () => 300_000, now);

    expect(result.stopped).toEqual([idle]);
    expect(result.failed).toEqual([]);
    expect(result.evaluated).toBe(3); // idle, busy and silent (no data); protected and untagged are not eligible
    const states = new Map<string, string>();
    for (const r of (await ec2.send(new DescribeInstancesCommand({}))).Reservations) {
      for (const i of r.Instances) states.set(i.InstanceId, i.State.Name);
    }
    expect(['stopping', 'stopped']).toContain(states.get(idle));
    for (const id of [busy, silent, protectedOne, untagged]) expect(states.get(id)).toBe('running');
    const alarm = (await cw.send(new DescribeAlarmsCommand({ AlarmNames: ['idle-status-check'] }))).MetricAlarms[0];
    expect(alarm.ActionsEnabled).toBe(false);
    const marked = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [idle] }))).Reservations[0].Instances[0].Tags;
    expect(marked).toEqual(expect.arrayContaining([{ Key: 'watchkeeper:liveness-silenced', Value: '1' }]));
  }, 60_000);
});
