// A rehearsal: the app's alarms evaluated minute by minute over its fleet while a scenario
// plays, and who was notified, when, and why. Pure and deterministic: no CDK, no I/O, no clock.
import { ActionSpec, AlarmSpec, MuteRuleSpec, TopicSpec, readAlarms, readMuteRules, topicRecipients } from './alarm-model.pure';
import { AlarmEngine, Transition } from './alarms.pure';
import { deployEvents } from './deploys.pure';
import { evaluationRange } from './evaluate.pure';
import { checkExpectations } from './expectations.pure';
import { FleetModel, readFleet, withWatchedInstances } from './fleet-model.pure';
import { Activity, Functions } from './functions.pure';
import type { Notification, ScenarioResult } from './results.pure';
import { FAILURE_KINDS, Scenario, ScenarioEvent, eventMinute } from './scenario.pure';
import { Minute, parseInstant } from './schedule.pure';
import { MetricStore } from './store.pure';
import { LogLines, Telemetry, appLine, applicationLogGroups } from './telemetry.pure';
import { RehearsalStack } from './template.pure';
import { Instance, World } from './world.pure';

/** An app prepared for rehearsals (read once, rehearsed many times). */
export interface RehearsalApp {
  readonly stacks: readonly RehearsalStack[];
  readonly alarms: readonly AlarmSpec[];
  readonly muteRules: readonly MuteRuleSpec[];
  readonly fleet: FleetModel;
  /** The topics by name, with their subscribers. */
  readonly topics: ReadonlyMap<string, TopicSpec>;
}

export type { Notification, ScenarioResult } from './results.pure';

/** Reads an app's stacks. */
export function prepareApp(stacks: readonly RehearsalStack[]): RehearsalApp {
  const topics = new Map(stacks.flatMap(s => [...topicRecipients(s)]));
  const alarms = stacks.flatMap(s => readAlarms(s, topics));
  const watched = alarms.flatMap(a => (a.kind === 'metric' ? a.queries.map(q => q.metric?.dimensions.InstanceId ?? '') : []));
  return {
    stacks,
    alarms,
    muteRules: stacks.flatMap(readMuteRules),
    fleet: withWatchedInstances(readFleet(stacks), watched),
    topics: new Map([...topics.values()].map(t => [t.name, t])),
  };
}

/** What an alarm watches, as text. */
export function watchesOf(a: AlarmSpec): string {
  if (a.kind === 'composite') return 'composite';
  return a.queries.map(q => (q.metric ? `${q.metric.namespace}/${q.metric.metricName}`
    : q.insights ? `${q.insights.namespace}/${q.insights.metricName} ${q.insights.fn}` : q.expression ?? '')).join(' ');
}

/** Minutes of history run before the scenario starts, so alarms are in their steady state. */
const HISTORY = 180;

/** Resolves a scenario target to instances. */
function targets(world: World, target: string | undefined, kind: string): Instance[] {
  const live = [...world.instances.values()].filter(i => !i.terminated && !i.model?.external);
  const firstGroup = [...world.groups.keys()][0];
  const standalone = live.filter(i => !i.group);
  const t = target ?? (['idle', 'start-instance', 'stop-instance', 'scheduled-start-fails'].includes(kind) ? 'instance' : 'group');
  if (t === 'group') return firstGroup ? world.members(firstGroup).slice(0, 1) : standalone.slice(0, 1);
  if (t === 'all') return firstGroup ? [...world.members(firstGroup)] : standalone;
  if (t === 'instance') return standalone.length ? standalone.slice(0, 1) : firstGroup ? world.members(firstGroup).slice(0, 1) : [];
  const group = [...world.groups.values()].find(g => g.model.name.includes(t) || g.model.logicalId.includes(t));
  if (group) return world.members(group.model.name).slice(0, 1);
  return live.filter(i => i.id === t || i.model?.logicalId.includes(t));
}

/** The state of one rehearsal as it plays, minute by minute. */
interface Run {
  readonly app: RehearsalApp;
  readonly scenario: Scenario;
  /** The first minute of the scenario (before it, history runs and nothing is recorded). */
  readonly start: Minute;
  readonly store: MetricStore;
  readonly engine: AlarmEngine;
  readonly world: World;
  readonly functions: Functions;
  readonly telemetry: Telemetry;
  readonly notifications: Notification[];
  readonly silenced: ScenarioResult['silenced'];
  readonly activity: Activity[];
  notApplicable?: string;
  /** CloudTrail lines a deploy writes, by the minute they are delivered. */
  readonly pendingTrail: Map<Minute, LogLines[]>;
  readonly bursts: Array<{ from: Minute; to: Minute; lines: number }>;
  auditStopped: boolean;
  readonly failingTopics: Set<string>;
}

/** A scenario event at the minute it happens. */
type TimedEvent = ScenarioEvent & { readonly minute: Minute };

/** Rehearses one scenario. */
export function rehearse(app: RehearsalApp, scenario: Scenario): ScenarioResult {
  const start = parseInstant(scenario.start);
  const end = start + Math.round(scenario.hours * 60);
  const begin = start - HISTORY;
  const lookback = Math.max(240, ...app.alarms.map(a => (a.kind === 'metric' ? evaluationRange(a.evaluationPeriods) * a.period + 20 : 0)));
  const store = new MetricStore(lookback + 20);
  const engine = new AlarmEngine(app.alarms, app.muteRules, store, begin);
  const world = new World(app.fleet, scenario.load ?? {}, scenario.timeZone, begin);
  const run: Run = {
    app,
    scenario,
    start,
    store,
    engine,
    world,
    functions: new Functions(world, engine, store, begin),
    telemetry: new Telemetry(world, store),
    notifications: [],
    silenced: [],
    activity: [],
    pendingTrail: new Map(),
    bursts: [],
    auditStopped: false,
    failingTopics: new Set(),
  };
  const missing = missingPage(app, scenario);
  if (missing) return { scenario, notifications: [], silenced: [], activity: [], failures: [], notApplicable: missing };
  const events: TimedEvent[] = (scenario.events ?? []).map(e => ({ ...e, minute: eventMinute(e.at, start, scenario.timeZone) }))
    .sort((a, b) => a.minute - b.minute);
  const failureStart = events.find(e => FAILURE_KINDS.has(e.kind))?.minute ?? start;
  for (let minute = begin; minute < end; minute++) stepMinute(run, events, minute);
  const { notifications, silenced, activity, notApplicable } = run;
  const result = { scenario, notifications, silenced, activity, failures: [] as string[], notApplicable };
  return notApplicable ? result : { ...result, failures: checkExpectations(scenario, result, failureStart) };
}

/** Why the scenario does not apply to the app: it expects a page no alarm of the app can send. */
function missingPage(app: RehearsalApp, scenario: Scenario): string | undefined {
  const missing = (scenario.expect?.pages ?? []).find(p => !app.alarms.some(a => a.severity === p.severity
    && (p.watches === undefined || watchesOf(a).includes(p.watches))
    && (p.alarm === undefined || a.name.includes(p.alarm) || a.path.includes(p.alarm))));
  if (!missing) return undefined;
  return `the app has no ${missing.severity} alarm${missing.watches ? ` watching ${missing.watches}` : ''}${missing.alarm ? ` named like ${missing.alarm}` : ''}`;
}

/** One minute of the rehearsal: its events, the functions and the fleet, telemetry, then the alarms. */
function stepMinute(run: Run, events: readonly TimedEvent[], minute: Minute): void {
  for (const e of events.filter(x => x.minute === minute)) playEvent(run, e, minute);
  run.activity.push(...run.functions.step(minute).filter(a => a.minute >= run.start));
  run.world.step(minute);
  publish(run, minute);
  for (const t of run.engine.step(minute)) notifyTransition(run, t, minute);
  for (const a of run.activity.filter(x => x.minute === minute && x.reportTo)) notifyReport(run, a, minute);
}

/** Plays one scenario event on the world it targets. */
function playEvent(run: Run, e: TimedEvent, minute: Minute): void {
  const { app, world } = run;
  const hit = targets(world, e.target, e.kind);
  const needsTarget = !['deploy', 'log-burst', 'audit-delivery-stops', 'topic-fails'].includes(e.kind);
  if (needsTarget && hit.length === 0) {
    // An ordinary event with nothing to act on is skipped; a failure that cannot happen makes the scenario moot.
    const what = ({ group: 'Auto Scaling group', all: 'Auto Scaling group', instance: 'instance' } as Record<string, string>)[e.target ?? '']
      ?? `instance or group matching ${e.target ?? e.kind}`;
    if (FAILURE_KINDS.has(e.kind)) run.notApplicable ??= `event ${e.kind} at ${e.at}: the app has no ${what}`;
    else if (minute >= run.start) run.activity.push({ minute, what: `${e.kind}: skipped, the app has no ${what}` });
    return;
  }
  const fault = (kind: string) => hit.forEach(i => i.faults.set(kind, {
    from: minute, minutes: e.minutes ?? 0, until: kind === 'idle' ? minute + (e.minutes ?? 60) : undefined,
  }));
  switch (e.kind) {
    case 'deploy': {
      for (const [m, lines] of deployEvents(app.fleet, e.changes, minute)) run.pendingTrail.set(m, [...(run.pendingTrail.get(m) ?? []), ...lines]);
      run.activity.push({ minute, what: `deploy (${(e.changes ?? ['an ordinary update']).join(', ')})` });
      break;
    }
    case 'replace-instance': hit.forEach(i => world.terminate(i.id)); run.activity.push({ minute, what: `replaced ${hit.map(i => i.id).join(', ')}` }); break;
    case 'idle': fault('idle'); break;
    case 'start-instance': hit.forEach(i => world.start(i.id, minute)); break;
    case 'stop-instance': hit.forEach(i => world.stop(i.id)); break;
    case 'launch-fails': launchFails(run, hit[0], minute); break;
    case 'scheduled-start-fails': hit.forEach(i => run.functions.failingStarts.add(i.id)); break;
    case 'log-burst':
      if (applicationLogGroups(app.fleet).length === 0) run.notApplicable ??= `event log-burst at ${e.at}: the app has no application log group with metric filters`;
      run.bursts.push({ from: minute, to: minute + (e.minutes ?? 20), lines: e.linesPerMinute ?? 20 });
      break;
    case 'audit-delivery-stops':
      if (app.fleet.trailLogGroups.length === 0) run.notApplicable ??= `event audit-delivery-stops at ${e.at}: the app has no trail delivering to CloudWatch Logs`;
      run.auditStopped = true;
      break;
    case 'topic-fails': for (const t of topicsToFail(app, e.target)) run.failingTopics.add(t); break;
    default: fault(e.kind);
  }
}

/** `launch-fails`: the group of the instance can no longer launch, and loses instances. */
function launchFails(run: Run, instance: Instance, minute: Minute): void {
  const { world } = run;
  const g = instance.group ? world.groups.get(instance.group) : undefined;
  if (!g) { run.notApplicable ??= 'launch-fails: the app has no Auto Scaling group'; return; }
  g.launchFails = true;
  const members = [...world.members(g.model.name)];
  const lost = members.slice(0, Math.max(1, members.length - Math.max(0, g.min - 1)));
  lost.forEach(i => world.terminate(i.id));
  run.activity.push({ minute, what: `${lost.map(i => i.id).join(', ')} terminated; the group cannot launch instances` });
}

/** Publishes a minute of telemetry: the fleet's metrics, trail lines and application log bursts. */
function publish(run: Run, minute: Minute): void {
  const { app, world } = run;
  const logs = new Map<string, LogLines[]>();
  for (const g of app.fleet.trailLogGroups) {
    if (run.auditStopped) continue;
    logs.set(g, [
      { text: '{"eventVersion":"1.09","eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances","eventType":"AwsApiCall","sourceIPAddress":"10.0.0.1","userIdentity":{"type":"AssumedRole"}}', count: 8 },
      ...(run.pendingTrail.get(minute) ?? []),
    ]);
  }
  run.pendingTrail.delete(minute);
  for (const b of run.bursts) {
    if (minute < b.from || minute >= b.to) continue;
    for (const g of applicationLogGroups(app.fleet)) {
      logs.set(g, [...(logs.get(g) ?? []), { text: appLine('ERROR', 500, 900), count: b.lines }]);
    }
  }
  const load = [...world.groups.values()].reduce((a, g) => a + world.needed(g, minute), 0) || 1;
  run.telemetry.publish(minute, logs, load);
}

/** The SNS delivery metrics of a topic. */
function publishSns(run: Run, topic: string, delivered: boolean, n: number, minute: Minute): void {
  run.store.want('AWS/SNS', 'NumberOfNotificationsFailed');
  run.store.open('AWS/SNS', delivered ? 'NumberOfNotificationsDelivered' : 'NumberOfNotificationsFailed', { TopicName: topic }, { delay: 1 })?.put(minute, n, 1);
}

/** Carries out the actions of an alarm transition: EC2 actions on the world, notifications to topics. */
function notifyTransition(run: Run, t: Transition, minute: Minute): void {
  const recorded = minute >= run.start;
  if (t.silencedBy && recorded) run.silenced.push({ minute, alarm: t.alarm.name, to: t.to, contributor: t.contributor, why: t.silencedBy });
  const ec2 = t.actions.filter((a): a is Extract<ActionSpec, { kind: 'ec2' }> => a.kind === 'ec2').map(a => a.action);
  for (const action of ec2) applyEc2(run.world, t, action, minute);
  for (const a of t.actions) {
    if (a.kind !== 'sns') continue;
    const delivered = !run.failingTopics.has(a.topic);
    publishSns(run, a.topic, delivered, a.recipients.length, minute);
    if (recorded) run.notifications.push(notificationOf(t, a, ec2, delivered));
  }
}

/** Sends a function's report (the idle shutdown report) to its topic. */
function notifyReport(run: Run, a: Activity, minute: Minute): void {
  const topic = [...run.app.topics.values()].find(t => a.reportTo!.endsWith(`:${t.name}`));
  if (!topic) return;
  // The report carries no alarm tags: subscribers filtering on them do not receive it.
  const recipients = topic.subscribers.filter(x => !x.alarmTags).map(x => x.endpoint);
  publishSns(run, topic.name, !run.failingTopics.has(topic.name), recipients.length, minute);
  run.notifications.push({
    minute,
    alarm: 'idle shutdown report',
    path: 'idle shutdown',
    state: 'REPORT',
    severity: 'INFO',
    topic: topic.name,
    recipients,
    ec2Actions: [],
    delivered: !run.failingTopics.has(topic.name),
    watches: 'report',
  });
}

/**
 * The topics a `topic-fails` event breaks: those whose name contains the target, or else the
 * alert topic, the one most alarms notify.
 */
function topicsToFail(app: RehearsalApp, target: string | undefined): string[] {
  const counts = new Map<string, number>();
  for (const a of app.alarms) {
    for (const x of new Set([...a.alarmActions, ...a.okActions].filter(y => y.kind === 'sns').map(y => (y as Extract<ActionSpec, { kind: 'sns' }>).topic))) {
      counts.set(x, (counts.get(x) ?? 0) + 1);
    }
  }
  if (target !== undefined) return [...counts.keys()].filter(t => t.includes(target));
  const most = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
  return most ? [most[0]] : [];
}

function applyEc2(world: World, t: Transition, action: string, minute: Minute): void {
  const id = /InstanceId=([^,]+)/.exec(t.contributor ?? '')?.[1]
    ?? (t.alarm.kind === 'metric' ? t.alarm.queries.find(q => q.metric?.dimensions.InstanceId)?.metric?.dimensions.InstanceId : undefined);
  if (!id) return;
  switch (action) {
    case 'recover': world.recover(id, minute); break;
    case 'stop': world.stop(id); break;
    case 'terminate': world.terminate(id); break;
    case 'reboot': world.recover(id, minute); break;
  }
}

function notificationOf(t: Transition, a: Extract<ActionSpec, { kind: 'sns' }>, ec2: string[], delivered: boolean): Notification {
  return {
    minute: t.minute,
    alarm: t.alarm.name,
    path: t.alarm.path,
    state: t.to,
    severity: t.alarm.severity,
    topic: a.topic,
    recipients: a.recipients,
    contributor: t.contributor,
    ec2Actions: ec2,
    delivered,
    watches: watchesOf(t.alarm),
    ...(t.afterMute ? { afterMute: true } : {}),
  };
}
