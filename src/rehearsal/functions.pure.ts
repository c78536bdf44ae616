// The library's own functions, run against the rehearsal's fleet and alarms: EventBridge
// Scheduler schedules that start and stop instances and switch alarm actions, and the idle
// shutdown function through its pure decision (idle-decision.pure.ts), reading CloudWatch
// with the same windows and publication delays as its handler. Pure: no CDK, no I/O.
import { AlarmEngine } from './alarms.pure';
import { assumed } from './assumptions.pure';
import { Minute, Recurrence, parseSchedule } from './schedule.pure';
import { MetricStore, emptyStats, statValue } from './store.pure';
import { World } from './world.pure';
import {
  AlarmStatus, InstanceFacts, SILENCED_TAG, decide, livenessAlarmsOf, metricWindow, restorePlan, silencePlan,
} from '../cost/idle-decision.pure';
import { COMPUTE_DIMENSIONS, EC2_METRICS, EC2_NAMESPACE } from '../private/compute-metric-names';

/** Something a function or schedule did (shown in the timeline's notes). */
export interface Activity {
  readonly minute: Minute;
  readonly what: string;
  /** A notification the function published (idle shutdown's report), to this topic ARN. */
  readonly reportTo?: string;
}

/** How long a restarted instance runs before idle shutdown turns its alarms on again (the handler's SETTLE_MS). */
const SETTLE_MINUTES = 15;

/** Runs the schedules and functions of the app. */
export class Functions {
  /** Instances whose scheduled start fails (the scenario says so). */
  public readonly failingStarts = new Set<string>();
  private readonly schedules: Array<{ recurrence: Recurrence; api: string; instanceIds: string[]; alarmNames: string[]; id: string }>;
  private readonly idle?: Recurrence;

  public constructor(private readonly world: World, private readonly alarms: AlarmEngine, private readonly store: MetricStore, start: Minute) {
    const fleet = world.fleet;
    this.schedules = fleet.schedules.map(s => ({
      recurrence: parseSchedule(s.expression, s.timeZone, start), api: s.api, instanceIds: s.instanceIds, alarmNames: s.alarmNames, id: s.logicalId,
    }));
    if (fleet.idleShutdown) {
      assumed('idle-function-hour');
      this.idle = parseSchedule(fleet.idleShutdown.expression, undefined, start);
      for (const m of [EC2_METRICS.cpuUtilization, EC2_METRICS.networkIn, EC2_METRICS.networkOut]) store.want(EC2_NAMESPACE, m);
    }
    // What the schedules had done before the scenario: each one's last run in the week before, in order.
    const last: Array<{ minute: Minute; index: number }> = [];
    this.schedules.forEach((s, index) => {
      for (let m = start - 1; m >= start - 7 * 1440; m--) {
        if (s.recurrence.fires(m)) { last.push({ minute: m, index }); break; }
      }
    });
    for (const { minute, index } of last.sort((a, b) => a.minute - b.minute)) this.call(this.schedules[index], minute);
  }

  /** One minute: the schedules that fire, and the idle-shutdown run when it is due. */
  public step(minute: Minute): Activity[] {
    const out: Activity[] = [];
    for (const s of this.schedules) {
      if (s.recurrence.fires(minute)) out.push(...this.call(s, minute));
    }
    if (this.idle?.fires(minute)) out.push(...this.idleRun(minute));
    return out;
  }

  private call(s: Functions['schedules'][number], minute: Minute): Activity[] {
    switch (s.api) {
      case 'ec2:startInstances': {
        const out: Activity[] = [];
        for (const id of s.instanceIds) {
          if (this.failingStarts.has(id)) {
            out.push({ minute, what: `schedule ${s.id}: StartInstances ${id} failed, the instance stays stopped` });
          } else {
            this.world.start(id, minute);
            out.push({ minute, what: `schedule ${s.id}: started ${id}` });
          }
        }
        return out;
      }
      case 'ec2:stopInstances':
        for (const id of s.instanceIds) this.world.stop(id);
        return [{ minute, what: `schedule ${s.id}: stopped ${s.instanceIds.join(', ')}` }];
      case 'cloudwatch:enableAlarmActions':
      case 'cloudwatch:disableAlarmActions': {
        const on = s.api === 'cloudwatch:enableAlarmActions';
        this.alarms.setActionsEnabled(s.alarmNames, on);
        return [{ minute, what: `schedule ${s.id}: ${on ? 'enabled' : 'disabled'} actions of ${s.alarmNames.length} alarm(s)` }];
      }
      case 'cloudwatch:setAlarmState':
        for (const n of s.alarmNames) this.alarms.setState(n, 'OK');
        return [{ minute, what: `schedule ${s.id}: set ${s.alarmNames.length} alarm(s) to OK until their next evaluation` }];
    }
    return [{ minute, what: `schedule ${s.id}: ${s.api} is not modelled` }];
  }

  private statuses(names: string[]): Map<string, AlarmStatus> {
    const out = new Map<string, AlarmStatus>();
    for (const name of names) {
      const state = this.alarms.stateOf(name);
      if (state !== undefined) out.set(name, { name, state, actionsEnabled: this.alarms.actionsEnabled(name) === true });
    }
    return out;
  }

  /** One run of the idle-shutdown handler, decision by decision as `run` in idle-shutdown.lambda.ts. */
  private idleRun(now: Minute): Activity[] {
    const idle = this.world.fleet.idleShutdown!;
    const s = idle.settings;
    const out: Activity[] = [];
    const optedIn = [...this.world.instances.values()].filter(i => i.running && !i.terminated && i.tags[s.optInTagKey] === s.optInTagValue);
    const facts = (i: typeof optedIn[number]): InstanceFacts => ({
      instanceId: i.id, state: 'running', tags: i.tags, hibernationConfigured: false, detailedMonitoring: i.detailed, launchTime: i.startedAt * 60_000,
    });
    for (const i of optedIn) {
      if (!(SILENCED_TAG in i.tags) || now - i.startedAt < SETTLE_MINUTES) continue;
      const plan = restorePlan(i.tags, this.statuses([...livenessAlarmsOf(i.tags).values()]));
      this.alarms.setActionsEnabled(plan.names, true);
      if (plan.remaining) i.tags[SILENCED_TAG] = plan.remaining; else delete i.tags[SILENCED_TAG];
      if (plan.names.length) out.push({ minute: now, what: `idle shutdown: turned actions of ${plan.names.length} liveness alarm(s) of ${i.id} on again` });
    }
    const stopped: string[] = [];
    for (const i of optedIn) {
      const f = facts(i);
      const window = metricWindow(new Date(now * 60_000), s, i.detailed);
      const from = window.start.getTime() / 60_000;
      const to = window.end.getTime() / 60_000;
      const read = (metric: string, stat: string) => {
        const series = this.store.find(EC2_NAMESPACE, metric, { [COMPUTE_DIMENSIONS.instanceId]: i.id });
        const values: number[] = [];
        for (let p = to - s.periodMinutes; p >= from; p -= s.periodMinutes) {
          const st = emptyStats();
          series?.collect(p, p + s.periodMinutes, now, st);
          const v = statValue(stat, st);
          if (v !== undefined) values.push(v); // GetMetricData leaves out periods without data
        }
        return values;
      };
      const decision = decide(f, {
        cpuPeak: read(EC2_METRICS.cpuUtilization, 'Maximum'), networkIn: read(EC2_METRICS.networkIn, 'Sum'), networkOut: read(EC2_METRICS.networkOut, 'Sum'),
      }, s);
      if (decision.action === 'keep' || s.dryRun) continue;
      const plan = silencePlan(i.tags, this.statuses([...livenessAlarmsOf(i.tags).values()]));
      this.alarms.setActionsEnabled(plan.names, false);
      if (plan.marker) i.tags[SILENCED_TAG] = plan.marker;
      this.world.stop(i.id);
      stopped.push(i.id);
      out.push({ minute: now, what: `idle shutdown: stopped ${i.id} (${decision.reason}); turned actions of ${plan.names.length} liveness alarm(s) off` });
    }
    if (stopped.length && idle.topicArn) out.push({ minute: now, what: `idle shutdown: reported ${stopped.length} stop(s)`, reportTo: idle.topicArn });
    return out;
  }
}
