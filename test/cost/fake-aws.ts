// A fake of the EC2 and CloudWatch behaviour idle shutdown depends on, with CloudWatch's
// timing rather than an instant, perfect API:
// - basic monitoring: one datapoint per 5-minute period, readable 5 to 10 minutes after
//   the period ends; detailed monitoring: one per minute, readable 2 minutes after;
// - a stopped instance publishes nothing;
// - status-check alarms (1-minute periods, missing data breaching) and composite alarms
//   that follow them change state on the datapoints readable at the time, and notify only
//   on a transition while their actions are enabled;
// - the caller's IAM permissions decide what it may read and change: a call on a resource
//   it may not act on fails as a whole (StopInstances, CreateTags, DisableAlarmActions...),
//   and DescribeAlarms returns composite alarms only to a caller whose
//   cloudwatch:DescribeAlarms is allowed on `*`; a narrower permission leaves them out,
//   without an error
//   (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html).
// Time moves in whole minutes; answers are given through aws-sdk-client-mock.
import {
  CloudWatchClient, DescribeAlarmsCommand, DisableAlarmActionsCommand, EnableAlarmActionsCommand, GetMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import { CreateTagsCommand, DeleteTagsCommand, DescribeInstancesCommand, EC2Client, StopInstancesCommand } from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { AwsStub, mockClient } from 'aws-sdk-client-mock';

const MINUTE = 60_000;

/** The SDK clients the idle-shutdown function calls, mocked. */
export interface IdleShutdownClients {
  readonly ec2: AwsStub<any, any, any>;
  readonly cw: AwsStub<any, any, any>;
  readonly sns: AwsStub<any, any, any>;
}

/**
 * Mocks the idle-shutdown function's clients for a test file: each test starts from clients
 * with no answers, the topic the function reports to, and a quiet log.
 */
export function mockIdleShutdownClients(): IdleShutdownClients {
  const clients = { ec2: mockClient(EC2Client), cw: mockClient(CloudWatchClient), sns: mockClient(SNSClient) };
  let topicArn: string | undefined;
  beforeEach(() => {
    topicArn = process.env.TOPIC_ARN;
    clients.ec2.reset();
    clients.cw.reset();
    clients.sns.reset();
    process.env.TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:alerts';
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => {
    jest.restoreAllMocks();
    if (topicArn === undefined) delete process.env.TOPIC_ARN;
    else process.env.TOPIC_ARN = topicArn;
  });
  return clients;
}

export interface FakeInstanceOptions {
  readonly tags: Record<string, string>;
  readonly detailed?: boolean;
  /** Minutes (since the epoch) in which the instance was busy. */
  readonly busyMinutes?: ReadonlySet<number>;
  /** Running intervals [from, to) in minutes; `to` undefined = still running. */
  readonly runs: Array<{ from: number; to?: number }>;
}

interface FakeInstance extends FakeInstanceOptions {
  readonly id: string;
  tags: Record<string, string>;
}

export interface FakeAlarm {
  readonly name: string;
  /** The instance whose status checks a metric alarm watches. */
  readonly instanceId?: string;
  /** The metric alarm a composite alarm follows. */
  readonly follows?: string;
  readonly evaluationPeriods: number;
  actionsEnabled: boolean;
  state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
}

export interface Notification { readonly alarm: string; readonly state: string; readonly minute: number }

/** How many minutes after its 5-minute period ends a basic-monitoring datapoint is readable. */
export type BasicDelay = (periodEndMinute: number) => number;

/** What the caller's IAM policies allow (decided by the policy engine, see idle-shutdown-caller.ts). */
export interface Caller {
  may(action: string, resource: string, context?: Record<string, string | string[]>): Promise<boolean>;
}

/** The ARN of an alarm of the fake's account and Region. */
export function fakeAlarmArn(name: string): string {
  return `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${name}`;
}

/** The ARN of an instance of the fake's account and Region. */
export function fakeInstanceArn(id: string): string {
  return `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/${id}`;
}

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';

function denied(action: string, what: string[]): Error {
  return Object.assign(new Error(`not authorized to perform ${action} on ${what.join(', ')}`), { name: 'UnauthorizedOperation' });
}

export class FakeAws {
  public minute: number;
  public readonly instances = new Map<string, FakeInstance>();
  public readonly alarms = new Map<string, FakeAlarm>();
  public readonly notifications: Notification[] = [];
  public readonly published: string[] = [];

  public constructor(startMinute: number, private readonly caller: Caller, private readonly basicDelay: BasicDelay = () => 10) {
    this.minute = startMinute;
  }

  public get now(): Date {
    return new Date(this.minute * MINUTE);
  }

  public addInstance(id: string, options: FakeInstanceOptions): void {
    this.instances.set(id, { id, ...options, tags: { ...options.tags }, runs: options.runs.map(r => ({ ...r })) });
  }

  public addAlarm(alarm: FakeAlarm): void {
    this.alarms.set(alarm.name, alarm);
  }

  public running(id: string, minute = this.minute): boolean {
    return this.instances.get(id)!.runs.some(r => r.from <= minute && (r.to === undefined || minute < r.to));
  }

  public start(id: string): void {
    const i = this.instances.get(id)!;
    if (!this.running(id)) i.runs.push({ from: this.minute });
  }

  /** Moves time on minute by minute, evaluating alarms each minute. */
  public advanceTo(minute: number): void {
    while (this.minute < minute) {
      this.minute++;
      this.evaluateAlarms();
    }
  }

  /** Answers the SDK clients' calls from this world, as far as the caller may make them. */
  public wire(ec2: AwsStub<any, any, any>, cw: AwsStub<any, any, any>, sns: AwsStub<any, any, any>): void {
    const region = { 'aws:RequestedRegion': REGION };
    ec2.on(DescribeInstancesCommand).callsFake(async (input: any) => {
      await this.require('ec2:DescribeInstances', ['*'], () => region);
      return this.describeInstances(input);
    });
    ec2.on(StopInstancesCommand).callsFake(async (input: any) => {
      await this.require('ec2:StopInstances', input.InstanceIds, id => this.resourceTags(id));
      for (const id of input.InstanceIds) {
        const run = this.instances.get(id)!.runs.find(r => r.to === undefined);
        if (run) run.to = this.minute;
      }
      return {};
    });
    const tagging = (action: string, apply: (i: FakeInstance, t: { Key: string; Value?: string }) => void) => async (input: any) => {
      const keys = input.Tags.map((t: any) => t.Key);
      await this.require(action, input.Resources, id => ({ ...this.resourceTags(id), 'aws:TagKeys': keys }));
      for (const id of input.Resources) for (const t of input.Tags) apply(this.instances.get(id)!, t);
      return {};
    };
    ec2.on(CreateTagsCommand).callsFake(tagging('ec2:CreateTags', (i, t) => { i.tags[t.Key] = t.Value ?? ''; }));
    ec2.on(DeleteTagsCommand).callsFake(tagging('ec2:DeleteTags', (i, t) => { delete i.tags[t.Key]; }));
    cw.on(GetMetricDataCommand).callsFake(async (input: any) => {
      await this.require('cloudwatch:GetMetricData', ['*'], () => ({}));
      return this.getMetricData(input);
    });
    cw.on(DescribeAlarmsCommand).callsFake(async (input: any) => {
      const found = (input.AlarmNames as string[]).map(n => this.alarms.get(n)).filter((a): a is FakeAlarm => a !== undefined);
      const view = (a: FakeAlarm) => ({ AlarmName: a.name, ActionsEnabled: a.actionsEnabled, StateValue: a.state });
      const mayReadAll = await this.caller.may('cloudwatch:DescribeAlarms', '*');
      const types: string[] = input.AlarmTypes ?? ['MetricAlarm'];
      const metricAlarms: FakeAlarm[] = [];
      for (const a of found.filter(f => !f.follows)) {
        if (mayReadAll || await this.caller.may('cloudwatch:DescribeAlarms', fakeAlarmArn(a.name))) metricAlarms.push(a);
      }
      return {
        MetricAlarms: types.includes('MetricAlarm') ? metricAlarms.map(view) : [],
        // Composite alarms only for a permission on *: a narrower one leaves them out, without an error.
        CompositeAlarms: types.includes('CompositeAlarm') && mayReadAll ? found.filter(a => a.follows).map(view) : [],
      };
    });
    const switcher = (on: boolean) => async (input: any) => {
      const action = on ? 'cloudwatch:EnableAlarmActions' : 'cloudwatch:DisableAlarmActions';
      await this.require(action, (input.AlarmNames as string[]).map(fakeAlarmArn), () => ({}));
      for (const n of input.AlarmNames) {
        const a = this.alarms.get(n);
        if (a) a.actionsEnabled = on;
      }
      return {};
    };
    cw.on(DisableAlarmActionsCommand).callsFake(switcher(false));
    cw.on(EnableAlarmActionsCommand).callsFake(switcher(true));
    sns.on(PublishCommand).callsFake((input: any) => {
      this.published.push(input.Message);
      return {};
    });
  }

  /** Fails the whole call, as AWS does, when the caller may not act on one of the resources. */
  private async require(action: string, resources: string[], context: (resource: string) => Record<string, string | string[]>): Promise<void> {
    const refused: string[] = [];
    for (const r of resources) {
      const arn = action.startsWith('ec2:') && r !== '*' ? fakeInstanceArn(r) : r;
      if (!await this.caller.may(action, arn, context(r))) refused.push(r);
    }
    if (refused.length > 0) throw denied(action, refused);
  }

  /** The `aws:ResourceTag/...` keys of an instance. */
  private resourceTags(id: string): Record<string, string> {
    const i = this.instances.get(id);
    return Object.fromEntries(Object.entries(i?.tags ?? {}).map(([k, v]) => [`aws:ResourceTag/${k}`, v]));
  }

  private describeInstances(input: any) {
    const ids: string[] | undefined = input.InstanceIds;
    const filters: Array<{ Name: string; Values: string[] }> = input.Filters ?? [];
    const matches = (i: FakeInstance) => filters.every(f => {
      if (f.Name === 'instance-state-name') return f.Values.includes(this.running(i.id) ? 'running' : 'stopped');
      if (f.Name.startsWith('tag:')) return f.Values.includes(i.tags[f.Name.slice(4)]);
      return true;
    });
    const found = [...this.instances.values()].filter(i => (!ids || ids.includes(i.id)) && matches(i));
    return {
      Reservations: [{
        Instances: found.map(i => ({
          InstanceId: i.id,
          State: { Name: this.running(i.id) ? 'running' : 'stopped' },
          Tags: Object.entries(i.tags).map(([Key, Value]) => ({ Key, Value })),
          Monitoring: { State: i.detailed ? 'enabled' : 'disabled' },
          LaunchTime: new Date(Math.max(...i.runs.map(r => r.from)) * MINUTE),
        })),
      }],
    };
  }

  /** The 1-minute samples of an instance: CPU percent and bytes each way, undefined when stopped. */
  private sample(i: FakeInstance, minute: number): { cpu: number; bytes: number } | undefined {
    if (!this.running(i.id, minute)) return undefined;
    return i.busyMinutes?.has(minute) ? { cpu: 60, bytes: 5_000_000 } : { cpu: 1, bytes: 200 };
  }

  /** The datapoint of a 5-minute period as readable now (CloudWatch aggregates what it has). */
  private fiveMinuteValue(i: FakeInstance, periodStart: number, stat: 'Maximum' | 'Sum', pick: 'cpu' | 'bytes'): number | undefined {
    const periodEnd = periodStart + 5;
    const minutes = [0, 1, 2, 3, 4].map(k => periodStart + k);
    const readable = i.detailed
      ? minutes.filter(m => m + 1 + 2 <= this.minute) // each minute readable 2 minutes after it ends
      : (periodEnd + this.basicDelay(periodEnd) <= this.minute ? minutes : []);
    const values = readable.map(m => this.sample(i, m)).filter((v): v is { cpu: number; bytes: number } => v !== undefined).map(v => v[pick]);
    if (values.length === 0) return undefined;
    return stat === 'Maximum' ? Math.max(...values) : values.reduce((a, b) => a + b, 0);
  }

  private getMetricData(input: any) {
    const start = new Date(input.StartTime).getTime() / MINUTE;
    const end = new Date(input.EndTime).getTime() / MINUTE;
    return {
      MetricDataResults: input.MetricDataQueries.map((q: any) => {
        const i = this.instances.get(q.MetricStat.Metric.Dimensions[0].Value)!;
        const step = q.MetricStat.Period / 60;
        const pick = q.MetricStat.Metric.MetricName === 'CPUUtilization' ? 'cpu' : 'bytes';
        const values: number[] = [];
        // newest first, as GetMetricData returns them by default
        for (let p = end - step; p >= start; p -= step) {
          const v = this.fiveMinuteValue(i, p, q.MetricStat.Stat, pick);
          if (v !== undefined) values.push(v);
        }
        return { Id: q.Id, Values: values };
      }),
    };
  }

  private evaluateAlarms(): void {
    for (const a of this.alarms.values()) {
      if (!a.instanceId) continue;
      // The newest readable 1-minute periods (2 minutes to be readable); no data = breaching.
      const newest = this.minute - 3;
      const breaching = Array.from({ length: a.evaluationPeriods }, (_, k) => newest - k).every(m => !this.running(a.instanceId!, m));
      this.transition(a, breaching ? 'ALARM' : 'OK');
    }
    for (const a of this.alarms.values()) {
      if (a.follows) this.transition(a, this.alarms.get(a.follows)!.state);
    }
  }

  private transition(a: FakeAlarm, state: FakeAlarm['state']): void {
    if (a.state === state) return;
    a.state = state;
    if (a.actionsEnabled) this.notifications.push({ alarm: a.name, state, minute: this.minute });
  }
}
