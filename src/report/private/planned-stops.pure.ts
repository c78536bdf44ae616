// Which instances and Auto Scaling groups the app stops on purpose (schedules, idle shutdown),
// and which of them an alarm watches, read from the synthesized templates. The report warns
// that a liveness alarm pages during planned downtime only where both meet. Pure: no CDK, no I/O.
import { TemplateResource, flatten, resourcesOfType } from './template-values.pure';

/** A stack's template and the construct paths of its resources, as the report reads them. */
export interface StoppableStack {
  readonly stackName: string;
  readonly template: { Resources?: Record<string, TemplateResource> };
  readonly paths: Record<string, string>;
}

/**
 * Why each instance or group is stopped on purpose, by compute key: `<stack>|<logical ID>`
 * for a resource of a template, `literal:<id or name>` for an instance ID or group name
 * written as text.
 */
export type PlannedStops = Map<string, string[]>;

const INSTANCE = 'AWS::EC2::Instance';
const GROUP = 'AWS::AutoScaling::AutoScalingGroup';
const LAUNCH_TEMPLATE = 'AWS::EC2::LaunchTemplate';
const LITERAL_INSTANCE_ID = /\bi-[0-9a-f]{8,17}\b/g;

/** The logical IDs a template value refers to (`Ref`, `Fn::GetAtt`, `${Id}` in `Fn::Sub`), pseudo parameters left out. */
export function refsIn(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) {
    value.forEach(v => refsIn(v, out));
  } else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      if (key === 'Ref' && typeof v === 'string') {
        if (!v.startsWith('AWS::')) out.add(v);
      } else if (key === 'Fn::GetAtt') {
        out.add(Array.isArray(v) ? String(v[0]) : String(v).split('.')[0]);
      } else if (key === 'Fn::Sub') {
        const text = Array.isArray(v) ? String(v[0]) : String(v);
        for (const m of text.matchAll(/\$\{([A-Za-z0-9]+)(?:\.[A-Za-z0-9.]+)?\}/g)) out.add(m[1]);
        if (Array.isArray(v)) refsIn(v[1], out);
      } else {
        refsIn(v, out);
      }
    }
  }
  return out;
}

/** Everything the app stops on purpose: instances its schedules stop, groups they scale to zero, instances idle shutdown may stop. */
export function plannedStops(stacks: readonly StoppableStack[]): PlannedStops {
  const out: PlannedStops = new Map();
  const add = (key: string, why: string) => out.set(key, [...new Set([...(out.get(key) ?? []), why])]);
  const optIns = stacks.flatMap(s => resourcesOfType(s.template, 'AWS::Lambda::Function')
    .map(([id, r]) => ({ env: r.Properties?.Environment?.Variables ?? {}, path: s.paths[id] ?? id }))
    .filter(f => f.env.OPT_IN_TAG_KEY !== undefined)
    .map(f => ({
      key: flatten(f.env.OPT_IN_TAG_KEY), value: flatten(f.env.OPT_IN_TAG_VALUE), protection: flatten(f.env.PROTECTION_TAG_KEY), path: f.path,
    })));

  for (const stack of stacks) {
    const t = stack.template;
    const path = (id: string) => stack.paths[id] ?? id;
    const keysOf = (value: unknown, type: string) => [
      ...[...refsIn(value)].filter(ref => t.Resources?.[ref]?.Type === type).map(ref => `${stack.stackName}|${ref}`),
      ...(type === INSTANCE ? [...flatten(value).matchAll(LITERAL_INSTANCE_ID)].map(m => `literal:${m[0]}`) : []),
    ];
    for (const [id, r] of resourcesOfType(t, 'AWS::Scheduler::Schedule')) {
      const target = flatten(r.Properties?.Target?.Arn);
      const input = r.Properties?.Target?.Input;
      if (/:aws-sdk:ec2:stopInstances$/i.test(target)) {
        for (const key of keysOf(input, INSTANCE)) add(key, `stopped by the schedule ${path(id)}`);
      } else if (/:aws-sdk:autoscaling:(updateAutoScalingGroup|setDesiredCapacity)$/i.test(target) && /"(MaxSize|DesiredCapacity)"\s*:\s*0\b/.test(flatten(input))) {
        for (const key of keysOf(input, GROUP)) add(key, `scaled to zero by the schedule ${path(id)}`);
      }
    }
    for (const [id, r] of resourcesOfType(t, 'AWS::AutoScaling::ScheduledAction')) {
      const p = r.Properties ?? {};
      if (![p.MaxSize, p.DesiredCapacity].some(v => v !== undefined && Number(flatten(v)) === 0)) continue;
      const group = p.AutoScalingGroupName;
      const keys = keysOf(group, GROUP);
      for (const key of keys.length > 0 ? keys : [`literal:${flatten(group)}`]) add(key, `scaled to zero by ${path(id)}`);
    }
    // Idle shutdown stops opted-in instances that are in no Auto Scaling group.
    for (const [id, r] of resourcesOfType(t, INSTANCE)) {
      const tags = instanceTags(t, r);
      for (const o of optIns.filter(x => tags.get(x.key) === x.value && !tags.has(x.protection))) {
        add(`${stack.stackName}|${id}`, `stopped by idle shutdown ${o.path} when idle`);
      }
    }
  }
  return out;
}

/**
 * The instances and groups an alarm watches, as compute keys: dimensions that name them,
 * the log groups they write to, the tags a Metrics Insights query filters on, and for a
 * composite alarm those of the alarms in its rule.
 */
export function watchedCompute(stack: StoppableStack, alarmId: string, seen: Set<string> = new Set()): string[] {
  const t = stack.template;
  const r = t.Resources?.[alarmId];
  if (!r || seen.has(alarmId)) return [];
  seen.add(alarmId);
  const p = r.Properties ?? {};
  if (r.Type === 'AWS::CloudWatch::CompositeAlarm') {
    return unique([...refsIn(p.AlarmRule)].flatMap(ref => watchedCompute(stack, ref, seen)));
  }
  const local = (ref: string) => `${stack.stackName}|${ref}`;
  const keys: string[] = [];
  const queries: any[] = p.Metrics ?? [];
  const dimensions: any[] = [...(p.Dimensions ?? []), ...queries.flatMap(q => q.MetricStat?.Metric?.Dimensions ?? [])];
  for (const d of dimensions) {
    const refs = [...refsIn(d.Value)];
    if (d.Name === 'InstanceId' || d.Name === 'AutoScalingGroupName') {
      keys.push(...(refs.length > 0 ? refs.map(local) : [`literal:${flatten(d.Value)}`]));
    } else if (d.Name === 'LogGroupName') {
      const groups = refs.length > 0 ? refs : resourcesOfType(t, 'AWS::Logs::LogGroup')
        .filter(([, g]) => flatten(g.Properties?.LogGroupName) === flatten(d.Value)).map(([id]) => id);
      keys.push(...groups.flatMap(g => logWriters(t, g)).map(local));
    }
  }
  for (const q of queries.filter(x => typeof x.Expression === 'string' && /^\s*SELECT\s/i.test(x.Expression))) {
    const where = String(q.Expression);
    for (const m of where.matchAll(/\btag\.("[^"]+"|[\w.:/@+=-]+)\s*=\s*'([^']*)'/g)) {
      keys.push(...taggedCompute(t, m[1].replace(/^"|"$/g, ''), m[2]).map(local));
    }
    for (const m of where.matchAll(/\b(InstanceId|AutoScalingGroupName)\s*=\s*'([^']*)'/g)) keys.push(`literal:${m[2]}`);
  }
  return unique(keys);
}

/** The tags an instance launches with: its own and those of its launch template. */
function instanceTags(t: StoppableStack['template'], r: TemplateResource): Map<string, string> {
  const lt = [...refsIn(r.Properties?.LaunchTemplate)].map(ref => t.Resources?.[ref]).find(x => x?.Type === LAUNCH_TEMPLATE);
  return new Map([...launchTemplateTags(lt), ...tagList(r.Properties?.Tags)]);
}

function launchTemplateTags(lt: TemplateResource | undefined): Array<[string, string]> {
  const specs: any[] = lt?.Properties?.LaunchTemplateData?.TagSpecifications ?? [];
  return specs.filter(s => s.ResourceType === 'instance').flatMap(s => tagList(s.Tags));
}

function tagList(tags: unknown): Array<[string, string]> {
  return (Array.isArray(tags) ? tags : []).map((x: any) => [flatten(x.Key), flatten(x.Value)]);
}

/** Instances and groups whose instances carry the tag (a group's propagated tags or its launch template's). */
function taggedCompute(t: StoppableStack['template'], key: string, value: string): string[] {
  const out: string[] = [];
  for (const [id, r] of Object.entries(t.Resources ?? {})) {
    if (r.Type === INSTANCE && instanceTags(t, r).get(key) === value) out.push(id);
    if (r.Type !== GROUP) continue;
    const propagated = ((r.Properties?.Tags ?? []) as any[]).filter(x => x.PropagateAtLaunch === true || x.PropagateAtLaunch === 'true');
    const lts = [...refsIn([r.Properties?.LaunchTemplate, r.Properties?.MixedInstancesPolicy])]
      .map(ref => t.Resources?.[ref]).filter(x => x?.Type === LAUNCH_TEMPLATE);
    const tags = new Map([...lts.flatMap(launchTemplateTags), ...tagList(propagated)]);
    if (tags.get(key) === value) out.push(id);
  }
  return out;
}

/**
 * The instances and groups that write to a log group: their role (through its instance
 * profile) is granted `logs:PutLogEvents` on it, as the agent's and the application's are.
 */
function logWriters(t: StoppableStack['template'], logGroupId: string): string[] {
  const resources = Object.entries(t.Resources ?? {});
  const writes = (statement: any) => statement.Effect === 'Allow'
    && [statement.Action].flat().some((a: unknown) => /^(logs:(PutLogEvents|\*)|\*)$/.test(String(a)))
    && refsIn(statement.Resource).has(logGroupId);
  const policies = resources.filter(([, r]) => (r.Type === 'AWS::IAM::ManagedPolicy' || r.Type === 'AWS::IAM::Policy')
    && ((r.Properties?.PolicyDocument?.Statement ?? []) as any[]).some(writes));
  const roles = new Set([
    ...policies.flatMap(([, r]) => [...refsIn(r.Properties?.Roles)]),
    ...resources.filter(([, r]) => r.Type === 'AWS::IAM::Role' && (refsInSet(r.Properties?.ManagedPolicyArns, policies.map(([id]) => id))
      || ((r.Properties?.Policies ?? []) as any[]).some(x => ((x.PolicyDocument?.Statement ?? []) as any[]).some(writes)))).map(([id]) => id),
  ]);
  const profiles = resources.filter(([, r]) => r.Type === 'AWS::IAM::InstanceProfile' && refsInSet(r.Properties?.Roles, [...roles])).map(([id]) => id);
  const templates = resources
    .filter(([, r]) => r.Type === LAUNCH_TEMPLATE && refsInSet(r.Properties?.LaunchTemplateData?.IamInstanceProfile, profiles)).map(([id]) => id);
  const launchedWith = (r: TemplateResource) => r.Type === INSTANCE
    ? refsInSet(r.Properties?.IamInstanceProfile, profiles) || refsInSet(r.Properties?.LaunchTemplate, templates)
    : r.Type === GROUP && refsInSet([r.Properties?.LaunchTemplate, r.Properties?.MixedInstancesPolicy], templates);
  return resources.filter(([, r]) => launchedWith(r)).map(([id]) => id);
}

function refsInSet(value: unknown, ids: string[]): boolean {
  const refs = refsIn(value);
  return ids.some(id => refs.has(id));
}

function unique(keys: string[]): string[] {
  return [...new Set(keys)];
}
