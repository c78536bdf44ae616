// The fleet at run time: instances that launch, initialise, run, stop, start, hang, fail and
// are replaced; Auto Scaling groups that follow their scheduled actions, the load and their
// health checks; faults injected by a scenario. Pure: no CDK, no I/O.
// https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-health-checks.html
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/monitoring-system-instance-status-check.html
import { assumed } from './assumptions.pure';
import { FleetModel, GroupModel, InstanceModel } from './fleet-model.pure';
import { LoadProfile } from './scenario.pure';
import { Minute, localTime, parseSchedule, Recurrence } from './schedule.pure';
import { digest } from './template.pure';

/** Minutes from launch until a new instance reports status checks and runs its agent. */
export const LAUNCH_TO_REPORTING = 6;
/** Minutes from a start (of a stopped instance) until it reports again. */
export const START_TO_REPORTING = 3;
/** Minutes a status check fails before the group replaces the instance. */
export const UNHEALTHY_TO_REPLACED = 3;
/** Minutes an EC2 recover takes until the instance runs again on new hardware. */
export const RECOVERY_MINUTES = 5;

/** One instance at run time. */
export interface Instance {
  readonly id: string;
  readonly group?: string;
  /** The instance as the template defines it (standalone instances). */
  readonly model?: InstanceModel;
  /** Tags, as they were at launch (a tag added to a group later never reaches running instances). */
  tags: Record<string, string>;
  readonly detailed: boolean;
  launchedAt: Minute;
  /** When it last started (launch or start). */
  startedAt: Minute;
  running: boolean;
  terminated: boolean;
  /** From this minute on it reports status checks and agent series. */
  reportingFrom: Minute;
  /** Injected faults, with the minute each began. */
  faults: Map<string, { from: Minute; minutes: number; until?: Minute }>;
  /** Status checks failing since (for the group's health check). */
  failingSince?: Minute;
  recoveringUntil?: Minute;
}

/** One group at run time. */
export interface Group {
  readonly model: GroupModel;
  min: number;
  max: number;
  desired: number;
  /** The load-driven desired capacity and since when it is wanted (scale-in waits). */
  wanted: { value: number; since: Minute };
  launchFails: boolean;
  launched: number;
}

/** The fleet, minute by minute. */
export class World {
  public readonly instances = new Map<string, Instance>();
  public readonly groups = new Map<string, Group>();
  private readonly byGroup = new Map<string, Instance[]>();
  private readonly hours: { from: number; to: number; days: number[] };
  private hoursCache = { minute: NaN, value: false };
  private readonly actions: Array<{ group: string; recurrence: Recurrence; min?: number; max?: number; desired?: number }>;

  public constructor(public readonly fleet: FleetModel, private readonly load: LoadProfile,
    private readonly timeZone: string | undefined, start: Minute) {
    const [from, to] = (load.businessHours ?? '08:00-18:00').split('-').map(x => {
      const [h, m] = x.split(':').map(Number);
      return h * 60 + (m || 0);
    });
    const names = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
    const spec = (load.businessDays ?? 'MON-FRI').toUpperCase();
    const [first, last] = spec.split('-').map(d => names.indexOf(d));
    const days = last === undefined ? spec.split(',').map(d => names.indexOf(d))
      : names.map((_, k) => k).filter(k => (first <= last ? k >= first && k <= last : k >= first || k <= last));
    this.hours = { from, to, days };
    this.actions = fleet.scheduledActions.map(a => ({
      group: a.group, recurrence: parseSchedule(a.recurrence, a.timeZone, start), min: a.minSize, max: a.maxSize, desired: a.desired,
    }));
    for (const g of fleet.groups) {
      this.groups.set(g.name, {
        model: g,
        min: g.minSize,
        max: g.maxSize,
        desired: g.desired ?? g.minSize,
        wanted: { value: 0, since: start },
        launchFails: false,
        launched: 0,
      });
    }
    // The capacity the scheduled actions had set before the scenario starts (their last firing in the week before).
    for (let m = start - 7 * 1440; m < start; m++) this.fireScheduledActions(m);
    for (const g of this.groups.values()) {
      g.desired = this.clamp(g, this.needed(g, start));
      g.wanted = { value: g.desired, since: start };
      for (let i = 0; i < g.desired; i++) this.launch(g, start - 1440);
    }
    for (const model of fleet.instances) {
      this.instances.set(model.id, {
        id: model.id,
        model,
        tags: { ...model.tags },
        detailed: model.detailedMonitoring,
        launchedAt: start - 1440,
        startedAt: start - 1440,
        running: true,
        terminated: false,
        reportingFrom: start - 1440,
        faults: new Map(),
      });
    }
  }

  /** Instances of a group (not terminated). */
  public members(group: string): readonly Instance[] {
    return this.byGroup.get(group) ?? [];
  }

  /** True when the local time is within the scenario's business hours. */
  public businessHours(minute: Minute): boolean {
    if (this.hoursCache.minute === minute) return this.hoursCache.value;
    const t = localTime(minute, this.timeZone);
    const now = t.hour * 60 + t.minute;
    const value = this.hours.days.includes(t.weekday) && now >= this.hours.from && now < this.hours.to;
    this.hoursCache = { minute, value };
    return value;
  }

  /** Instances a group needs for the load at a minute. */
  public needed(g: Group, minute: Minute): number {
    const peak = this.load.peakInstances ?? Math.max(1, Math.ceil(g.model.maxSize / 2));
    return this.businessHours(minute) ? peak : (this.load.offPeakInstances ?? 1);
  }

  /** One minute of the fleet: scheduled actions, health checks, scaling, recoveries. */
  public step(minute: Minute): void {
    this.fireScheduledActions(minute);
    for (const i of this.instances.values()) {
      if (i.recoveringUntil !== undefined && minute >= i.recoveringUntil) {
        i.recoveringUntil = undefined;
        i.running = true;
        i.startedAt = minute;
        i.reportingFrom = minute + START_TO_REPORTING;
      }
      if (!i.running || i.terminated) continue;
      const failing = this.statusFailed(i, minute);
      if (failing && i.failingSince === undefined) i.failingSince = minute;
      if (!failing) i.failingSince = undefined;
    }
    for (const g of this.groups.values()) this.stepGroup(g, minute);
  }

  /** Whether an instance's instance or system status check fails now. */
  public statusFailed(i: Instance, minute: Minute): boolean {
    return this.fault(i, 'os-hang', minute) !== undefined || this.fault(i, 'hardware-failure', minute) !== undefined;
  }

  /** The fault of a kind active on an instance at a minute, with how far it has progressed (0..1). */
  public fault(i: Instance, kind: string, minute: Minute): number | undefined {
    const f = i.faults.get(kind);
    if (!f || minute < f.from || (f.until !== undefined && minute >= f.until)) return undefined;
    return f.minutes > 0 ? Math.min(1, (minute - f.from) / f.minutes) : 1;
  }

  /** Stops an instance (StopInstances, or a scheduled stop). */
  public stop(id: string): void {
    const i = this.instances.get(id);
    if (i && !i.terminated) i.running = false;
  }

  /** Starts an instance (StartInstances); a no-op when it already runs. */
  public start(id: string, minute: Minute): void {
    const i = this.instances.get(id);
    if (!i || i.terminated || i.running) return;
    i.running = true;
    i.startedAt = minute;
    i.reportingFrom = minute + START_TO_REPORTING;
  }

  /** EC2 recover: the instance moves to healthy hardware; a system-check failure is gone. */
  public recover(id: string, minute: Minute): void {
    const i = this.instances.get(id);
    if (!i || i.terminated || !i.faults.has('hardware-failure')) return;
    i.faults.delete('hardware-failure');
    i.running = false;
    i.recoveringUntil = minute + RECOVERY_MINUTES;
  }

  /** Terminates an instance; its group launches a replacement at its next step. */
  public terminate(id: string): void {
    const i = this.instances.get(id);
    if (!i || i.terminated) return;
    i.terminated = true;
    i.running = false;
    if (i.group) this.byGroup.set(i.group, this.members(i.group).filter(x => x !== i));
    this.instances.delete(id);
  }

  private fireScheduledActions(minute: Minute): void {
    for (const a of this.actions) {
      if (!a.recurrence.fires(minute)) continue;
      const g = this.groups.get(a.group);
      if (!g) continue;
      if (a.min !== undefined) g.min = a.min;
      if (a.max !== undefined) g.max = a.max;
      if (a.desired !== undefined) g.desired = a.desired;
      g.desired = Math.min(g.max, Math.max(g.min, g.desired));
    }
  }

  private clamp(g: Group, n: number): number {
    return Math.min(g.max, Math.max(g.min, n));
  }

  private stepGroup(g: Group, minute: Minute): void {
    assumed('target-tracking');
    const want = this.clamp(g, this.needed(g, minute));
    if (want !== g.wanted.value) g.wanted = { value: want, since: minute };
    if (want > g.desired || (want < g.desired && minute - g.wanted.since >= 15)) g.desired = want;
    g.desired = this.clamp(g, g.desired);
    assumed('group-replacement');
    for (const i of [...this.members(g.model.name)]) {
      if (i.failingSince !== undefined && minute - i.failingSince >= UNHEALTHY_TO_REPLACED) this.terminate(i.id);
    }
    const members = this.members(g.model.name);
    if (members.length > g.desired) {
      const oldest = [...members].sort((a, b) => a.launchedAt - b.launchedAt).slice(0, members.length - g.desired);
      for (const i of oldest) this.terminate(i.id);
    } else if (!g.launchFails) {
      for (let k = members.length; k < g.desired; k++) this.launch(g, minute);
    }
  }

  private launch(g: Group, minute: Minute): Instance {
    const id = `i-${digest(`${g.model.name}#${g.launched++}`)}`;
    const i: Instance = {
      id,
      group: g.model.name,
      tags: { ...g.model.launchTags, 'aws:autoscaling:groupName': g.model.name },
      detailed: g.model.detailedMonitoring,
      launchedAt: minute,
      startedAt: minute,
      running: true,
      terminated: false,
      reportingFrom: minute + LAUNCH_TO_REPORTING,
      faults: new Map(),
    };
    assumed('status-check-start');
    this.instances.set(id, i);
    this.byGroup.set(g.model.name, [...this.members(g.model.name), i]);
    return i;
  }
}
