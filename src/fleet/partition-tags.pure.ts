// The decisions of the partition-tags custom resource, free of I/O: which running members of
// which Auto Scaling groups get which partition tag, and what CloudFormation is told.
//
// Why it exists: a tag an Auto Scaling group propagates reaches only the instances it launches
// afterwards (https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-tagging.html),
// so instances already running when a group joins a fleet, or moves to another partition,
// would keep no tag or the old one, and the fleet's queries would not see them.

/** Instance ids per CreateTags / DeleteTags call: the API takes up to 1,000 and recommends smaller batches (EC2 API, CreateTags). */
export const TAG_BATCH = 100;
/** Group names per DescribeInstances filter: keeps each request small. */
export const GROUPS_PER_DESCRIBE = 100;
/** The tag Auto Scaling puts on every instance it launches, naming its group. */
export const GROUP_TAG = 'aws:autoscaling:groupName';
/** Instance states whose instances are still members (terminated and shutting-down ones are not). */
export const MEMBER_STATES = ['pending', 'running', 'stopping', 'stopped'];

/** One group and the partition its instances belong to. */
export interface GroupPartition {
  readonly groupName: string;
  readonly tagValue: string;
}

/** The resource's properties: the partition tag key and each group's partition. */
export interface PartitionTagsProps {
  readonly tagKey: string;
  readonly groups: GroupPartition[];
}

/** An instance of one of the groups, with its tags. */
export interface Member {
  readonly instanceId: string;
  readonly groupName: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** One CreateTags or DeleteTags call. DeleteTags names the value, so EC2 removes the tag only where it still has it. */
export interface TagChange {
  readonly action: 'create' | 'delete';
  readonly key: string;
  readonly value: string;
  readonly instanceIds: string[];
}

/** The custom resource request CloudFormation sends (the fields used here). */
export interface CustomResourceEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: Record<string, unknown>;
  readonly OldResourceProperties?: Record<string, unknown>;
}

/** The response CloudFormation waits for (custom resource response objects). */
export interface CustomResourceResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason?: string;
  readonly PhysicalResourceId: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly Data?: Record<string, string>;
}

/** Reads and checks the resource's properties (CloudFormation passes every value as a string). */
export function readProps(raw: Record<string, unknown> | undefined): PartitionTagsProps {
  const tagKey = raw?.TagKey;
  const groups = raw?.Groups;
  if (typeof tagKey !== 'string' || tagKey.length === 0) throw new Error(`TagKey must be a non-empty string, got ${JSON.stringify(tagKey)}`);
  if (!Array.isArray(groups)) throw new Error(`Groups must be a list, got ${JSON.stringify(groups)}`);
  return {
    tagKey,
    groups: groups.map((g: any) => {
      if (typeof g?.GroupName !== 'string' || typeof g?.TagValue !== 'string') {
        throw new Error(`each of Groups must have a GroupName and a TagValue, got ${JSON.stringify(g)}`);
      }
      return { groupName: g.GroupName, tagValue: g.TagValue };
    }),
  };
}

/** The tagging a request asks for: the properties wanted now, and those it replaces or removes. */
export interface Request {
  /** What the members should carry; empty on Delete. */
  readonly wanted?: PartitionTagsProps;
  /** What this resource tagged before (Update: the old properties; Delete: the current ones). */
  readonly previous?: PartitionTagsProps;
}

/** The request of a CloudFormation event. */
export function requestOf(event: CustomResourceEvent): Request {
  switch (event.RequestType) {
    case 'Create': return { wanted: readProps(event.ResourceProperties) };
    case 'Update': return { wanted: readProps(event.ResourceProperties), previous: readProps(event.OldResourceProperties) };
    case 'Delete': return { previous: readProps(event.ResourceProperties) };
  }
}

/** The groups whose members must be read. */
export function groupsToRead(request: Request): string[] {
  return [...new Set([...(request.wanted?.groups ?? []), ...(request.previous?.groups ?? [])].map(g => g.groupName))].sort();
}

/**
 * The calls that bring the members' tags to what is wanted:
 * - every member of a wanted group carries `tagKey = its partition` (tagged when it has no
 *   tag or another value, as after a move between partitions: never left on the old one);
 * - a member of a group this resource tagged before, and that is no longer wanted under the
 *   same key, loses the previous tag, but only where it still has the previous value.
 */
export function plan(request: Request, members: Member[]): TagChange[] {
  const wanted = new Map((request.wanted?.groups ?? []).map(g => [g.groupName, g.tagValue]));
  const previous = new Map((request.previous?.groups ?? []).map(g => [g.groupName, g.tagValue]));
  const wantedKey = request.wanted?.tagKey;
  const previousKey = request.previous?.tagKey;
  const calls = new Map<string, TagChange>();
  const add = (action: TagChange['action'], key: string, value: string, instanceId: string) => {
    const id = JSON.stringify([action, key, value]);
    const call = calls.get(id) ?? { action, key, value, instanceIds: [] };
    call.instanceIds.push(instanceId);
    calls.set(id, call);
  };
  for (const m of [...members].sort((a, b) => a.instanceId.localeCompare(b.instanceId))) {
    const value = wanted.get(m.groupName);
    if (wantedKey !== undefined && value !== undefined && m.tags[wantedKey] !== value) add('create', wantedKey, value, m.instanceId);
    const old = previous.get(m.groupName);
    const stillWanted = value !== undefined && previousKey === wantedKey;
    if (previousKey !== undefined && old !== undefined && !stillWanted && m.tags[previousKey] === old) add('delete', previousKey, old, m.instanceId);
  }
  // Tag first, then untag: an instance moving between keys is never without a partition.
  return [...calls.values()]
    .sort((a, b) => (a.action === b.action ? 0 : a.action === 'create' ? -1 : 1))
    .flatMap(call => chunk(call.instanceIds, TAG_BATCH).map(instanceIds => ({ ...call, instanceIds })));
}

/** Splits a list into lists of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * The physical id: kept across updates (a new id would make CloudFormation delete the old
 * resource after the update, untagging what the update just tagged), and set once on create.
 */
export function physicalIdOf(event: CustomResourceEvent): string {
  return event.PhysicalResourceId ?? `${event.LogicalResourceId}-${event.RequestId}`;
}

/** What the run did. */
export interface Outcome {
  readonly tagged: number;
  readonly untagged: number;
  readonly error?: string;
}

/**
 * The response to CloudFormation. A failed Create or Update fails the deploy (instances
 * would otherwise stay unwatched without anyone knowing); a failed Delete still succeeds,
 * with the reason, so that removing the fleet is never blocked by a tag it could not remove.
 */
export function responseOf(event: CustomResourceEvent, outcome: Outcome): CustomResourceResponse {
  const failed = outcome.error !== undefined && event.RequestType !== 'Delete';
  const counts = `tagged ${outcome.tagged} instances, untagged ${outcome.untagged}`;
  return {
    Status: failed ? 'FAILED' : 'SUCCESS',
    Reason: outcome.error !== undefined ? `${counts}; ${outcome.error}`.slice(0, 1000) : counts,
    PhysicalResourceId: physicalIdOf(event),
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    Data: { Tagged: String(outcome.tagged), Untagged: String(outcome.untagged) },
  };
}
