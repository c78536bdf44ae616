import { CreateTagsCommand, DeleteTagsCommand, DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import * as fc from 'fast-check';
import { run, sdkPort } from '../../src/fleet/partition-tags.lambda';
import { CustomResourceResponse, CustomResourceEvent, Member, Request, TAG_BATCH, plan, requestOf } from '../../src/fleet/partition-tags.pure';

const KEY = 'WatchkeeperFleet';
const member = (instanceId: string, groupName: string, tags: Record<string, string> = {}): Member =>
  ({ instanceId, groupName, tags: { 'aws:autoscaling:groupName': groupName, ...tags } });
const props = (groups: Record<string, string>, tagKey = KEY) =>
  ({ tagKey, groups: Object.entries(groups).map(([groupName, tagValue]) => ({ groupName, tagValue })) });

/** The members' tags after the calls, as EC2 applies them (DeleteTags with a value removes only that value). */
function apply(members: Member[], request: Request): Member[] {
  const calls = plan(request, members);
  return members.map(m => {
    const tags = { ...m.tags };
    for (const c of calls.filter(x => x.instanceIds.includes(m.instanceId))) {
      if (c.action === 'create') tags[c.key] = c.value;
      else if (tags[c.key] === c.value) delete tags[c.key];
    }
    return { ...m, tags };
  });
}

function event(type: CustomResourceEvent['RequestType'], groups: Record<string, string>, old?: Record<string, string>): CustomResourceEvent {
  const raw = (g: Record<string, string>) => ({ ServiceToken: 'arn:fn', TagKey: KEY, Groups: Object.entries(g).map(([GroupName, TagValue]) => ({ GroupName, TagValue })) });
  return {
    RequestType: type,
    ResponseURL: 'https://cloudformation-custom-resource-response.s3.amazonaws.com/signed',
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Shop/1',
    RequestId: 'req-1',
    LogicalResourceId: 'FleetPartitionTags',
    PhysicalResourceId: type === 'Create' ? undefined : 'FleetPartitionTags-req-0',
    ResourceProperties: raw(groups),
    OldResourceProperties: old ? raw(old) : undefined,
  };
}

describe('partition tags (decision)', () => {
  test.each<[string, Request, Member[], Array<[string, string, string, string[]]>]>([
    ['a group joins: its running members get the partition tag',
      { wanted: props({ web: 'shop-p1' }) }, [member('i-1', 'web'), member('i-2', 'web')],
      [['create', KEY, 'shop-p1', ['i-1', 'i-2']]]],
    ['members tagged already are left alone',
      { wanted: props({ web: 'shop-p1' }) }, [member('i-1', 'web', { [KEY]: 'shop-p1' })], []],
    ['a group moves to another partition: its members are retagged, never left on the old one',
      { wanted: props({ web: 'shop-p2' }), previous: props({ web: 'shop-p1' }) }, [member('i-1', 'web', { [KEY]: 'shop-p1' })],
      [['create', KEY, 'shop-p2', ['i-1']]]],
    ['a group leaves the fleet: its members lose the tag this resource gave',
      { wanted: props({ api: 'shop-p1' }), previous: props({ web: 'shop-p1', api: 'shop-p1' }) },
      [member('i-1', 'web', { [KEY]: 'shop-p1' }), member('i-2', 'api', { [KEY]: 'shop-p1' })],
      [['delete', KEY, 'shop-p1', ['i-1']]]],
    ['a group that left and was tagged by another fleet since keeps the other fleet\'s tag',
      { wanted: props({}), previous: props({ web: 'shop-p1' }) }, [member('i-1', 'web', { [KEY]: 'other-p1' })], []],
    ['the tag key changes: tag under the new key, then remove the old one',
      { wanted: props({ web: 'shop-p1' }, 'Fleet2'), previous: props({ web: 'shop-p1' }) }, [member('i-1', 'web', { [KEY]: 'shop-p1' })],
      [['create', 'Fleet2', 'shop-p1', ['i-1']], ['delete', KEY, 'shop-p1', ['i-1']]]],
    ['delete: every member loses the tag',
      { previous: props({ web: 'shop-p1' }) }, [member('i-1', 'web', { [KEY]: 'shop-p1' })], [['delete', KEY, 'shop-p1', ['i-1']]]],
  ])('%s', (_name, request, members, expected) => {
    expect(plan(request, members).map(c => [c.action, c.key, c.value, c.instanceIds])).toEqual(expected);
  });

  test('tags in batches of at most 100 instances', () => {
    const members = Array.from({ length: 250 }, (_, i) => member(`i-${String(i).padStart(3, '0')}`, 'web'));
    const calls = plan({ wanted: props({ web: 'shop-p1' }) }, members);
    expect(calls.map(c => c.instanceIds.length)).toEqual([TAG_BATCH, TAG_BATCH, 50]);
  });

  test('after any update every member of a wanted group carries its partition, and no member of a group that left keeps this fleet\'s tag', () => {
    const groups = ['a', 'b', 'c', 'd'];
    const partitions = fc.dictionary(fc.constantFrom(...groups), fc.constantFrom('shop-p1', 'shop-p2', 'shop-p3'));
    fc.assert(fc.property(partitions, partitions, fc.array(fc.tuple(fc.constantFrom(...groups), fc.option(fc.constantFrom('shop-p1', 'shop-p2', 'other-p1'))), { maxLength: 12 }),
      (before, after, raw) => {
        const members = raw.map(([g, tag], i) => member(`i-${i}`, g, tag ? { [KEY]: tag } : {}));
        const result = apply(members, { wanted: props(after), previous: props(before) });
        for (const m of result) {
          if (after[m.groupName] !== undefined) expect(m.tags[KEY]).toBe(after[m.groupName]);
          else if (before[m.groupName] !== undefined) expect(m.tags[KEY]).not.toBe(before[m.groupName]);
          else expect(m.tags[KEY]).toBe(members.find(x => x.instanceId === m.instanceId)!.tags[KEY]);
        }
      }));
  });

  test('reads the request CloudFormation sends, and fails on malformed properties', () => {
    expect(requestOf(event('Update', { web: 'shop-p2' }, { web: 'shop-p1' }))).toEqual({ wanted: props({ web: 'shop-p2' }), previous: props({ web: 'shop-p1' }) });
    expect(requestOf(event('Delete', { web: 'shop-p1' }))).toEqual({ previous: props({ web: 'shop-p1' }) });
    expect(() => requestOf({ ...event('Create', {}), ResourceProperties: { TagKey: KEY, Groups: [{ GroupName: 'web' }] } }))
      .toThrow(/each of Groups must have a GroupName and a TagValue/);
  });
});

describe('partition tags (handler)', () => {
  const ec2 = mockClient(EC2Client);
  beforeEach(() => ec2.reset());
  // The handler logs one JSON line per request; keep the test output readable.
  beforeAll(() => jest.spyOn(console, 'log').mockImplementation(() => undefined));
  afterAll(() => jest.restoreAllMocks());

  const instances = (...list: Array<[string, string, Record<string, string>?]>) => ({
    Reservations: [{
      Instances: list.map(([InstanceId, group, tags = {}]) => ({
        InstanceId, Tags: Object.entries({ 'aws:autoscaling:groupName': group, ...tags }).map(([Key, Value]) => ({ Key, Value })),
      })),
    }],
  });

  async function handle(e: CustomResourceEvent): Promise<{ response: CustomResourceResponse; sent: Array<[string, CustomResourceResponse]> }> {
    const sent: Array<[string, CustomResourceResponse]> = [];
    const response = await run(e, sdkPort(new EC2Client({ region: 'us-east-1' })), async (url, r) => { sent.push([url, r]); });
    return { response, sent };
  }

  test('tags the running members of the groups, read page by page, and answers CloudFormation', async () => {
    ec2.on(DescribeInstancesCommand)
      .resolvesOnce({ ...instances(['i-1', 'web']), NextToken: 'next' })
      .resolvesOnce(instances(['i-2', 'web', { [KEY]: 'shop-p1' }], ['i-3', 'api', { [KEY]: 'shop-p1' }]));
    ec2.on(CreateTagsCommand).resolves({});
    const { response, sent } = await handle(event('Update', { web: 'shop-p1', api: 'shop-p2' }, { web: 'shop-p1' }));
    const describe = ec2.commandCalls(DescribeInstancesCommand)[0].args[0].input;
    expect(describe.Filters).toEqual([
      { Name: 'tag:aws:autoscaling:groupName', Values: ['api', 'web'] },
      { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
    ]);
    expect(ec2.commandCalls(CreateTagsCommand).map(c => c.args[0].input)).toEqual([
      { Resources: ['i-1'], Tags: [{ Key: KEY, Value: 'shop-p1' }] },
      { Resources: ['i-3'], Tags: [{ Key: KEY, Value: 'shop-p2' }] },
    ]);
    expect(response).toEqual(expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: 'FleetPartitionTags-req-0', Data: { Tagged: '2', Untagged: '0' } }));
    expect(sent).toEqual([['https://cloudformation-custom-resource-response.s3.amazonaws.com/signed', response]]);
  });

  test('skips an instance that terminated between the read and the tagging, and tags the rest', async () => {
    ec2.on(DescribeInstancesCommand).resolves(instances(['i-1', 'web'], ['i-2', 'web'], ['i-3', 'web']));
    const gone = Object.assign(new Error('The instance ID \'i-2\' does not exist'), { name: 'InvalidInstanceID.NotFound' });
    ec2.on(CreateTagsCommand).callsFake(input => {
      if (input.Resources.includes('i-2')) throw gone;
      return {};
    });
    const { response } = await handle(event('Create', { web: 'shop-p1' }));
    expect(response.Status).toBe('SUCCESS');
    expect(response.Data).toEqual({ Tagged: '2', Untagged: '0' });
  });

  test('fails the deploy when tagging fails, so instances are never left unwatched silently', async () => {
    ec2.on(DescribeInstancesCommand).resolves(instances(['i-1', 'web']));
    ec2.on(CreateTagsCommand).rejects(Object.assign(new Error('not authorized'), { name: 'UnauthorizedOperation' }));
    const { response, sent } = await handle(event('Create', { web: 'shop-p1' }));
    expect(response).toEqual(expect.objectContaining({ Status: 'FAILED', Reason: expect.stringMatching(/UnauthorizedOperation: not authorized/) }));
    expect(response.PhysicalResourceId).toBe('FleetPartitionTags-req-1');
    expect(sent).toHaveLength(1);
  });

  test('removes only its own tag on delete, and never blocks the deletion', async () => {
    ec2.on(DescribeInstancesCommand).resolves(instances(['i-1', 'web', { [KEY]: 'shop-p1' }]));
    ec2.on(DeleteTagsCommand).rejects(new Error('throttled'));
    const { response } = await handle(event('Delete', { web: 'shop-p1' }));
    expect(ec2.commandCalls(DeleteTagsCommand)[0].args[0].input).toEqual({ Resources: ['i-1'], Tags: [{ Key: KEY, Value: 'shop-p1' }] });
    expect(response).toEqual(expect.objectContaining({ Status: 'SUCCESS', Reason: expect.stringMatching(/throttled/) }));
  });
});
