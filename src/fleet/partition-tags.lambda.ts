// Partition tags for running instances: a thin adapter around partition-tags.pure.ts. It
// reads the members of the fleet's Auto Scaling groups from EC2, tags (or untags) them as the
// pure plan says, and answers CloudFormation on the response URL.
import { CreateTagsCommand, DeleteTagsCommand, DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CustomResourceEvent, CustomResourceResponse, GROUPS_PER_DESCRIBE, GROUP_TAG, MEMBER_STATES, Member, TagChange,
  chunk, groupsToRead, plan, requestOf, responseOf,
} from './partition-tags.pure';

/** The EC2 calls the resource makes: a port, so tests can run the adapter against a fake. */
export interface Ec2Port {
  /** Every member (not terminated) of the named groups, with its tags. */
  members(groupNames: string[]): Promise<Member[]>;
  /** One CreateTags or DeleteTags call. */
  apply(change: TagChange): Promise<void>;
}

/** How the response reaches CloudFormation: an HTTPS PUT to the pre-signed response URL. */
export type Respond = (url: string, response: CustomResourceResponse) => Promise<void>;

/** The EC2 port over the SDK client. */
export function sdkPort(client: EC2Client): Ec2Port {
  return {
    async members(groupNames) {
      const out: Member[] = [];
      for (const names of chunk(groupNames, GROUPS_PER_DESCRIBE)) {
        let NextToken: string | undefined;
        do {
          const page = await client.send(new DescribeInstancesCommand({
            Filters: [{ Name: `tag:${GROUP_TAG}`, Values: names }, { Name: 'instance-state-name', Values: MEMBER_STATES }],
            MaxResults: 1000,
            NextToken,
          }));
          for (const instance of (page.Reservations ?? []).flatMap(r => r.Instances ?? [])) {
            const tags = Object.fromEntries((instance.Tags ?? []).map(t => [t.Key ?? '', t.Value ?? '']));
            if (instance.InstanceId && tags[GROUP_TAG]) out.push({ instanceId: instance.InstanceId, groupName: tags[GROUP_TAG], tags });
          }
          NextToken = page.NextToken;
        } while (NextToken);
      }
      return out;
    },
    async apply(change) {
      const Tags = [{ Key: change.key, Value: change.value }];
      if (change.action === 'create') await client.send(new CreateTagsCommand({ Resources: change.instanceIds, Tags }));
      else await client.send(new DeleteTagsCommand({ Resources: change.instanceIds, Tags }));
    },
  };
}

/**
 * Applies one change; when an instance of the batch is gone (terminated between the read and
 * the call, which fails the whole call), applies the halves, down to single instances, and
 * skips the ones that no longer exist. Returns how many instances were changed.
 */
export async function applyChange(port: Ec2Port, change: TagChange): Promise<number> {
  try {
    await port.apply(change);
    return change.instanceIds.length;
  } catch (e) {
    if (!isNotFound(e)) throw e;
    if (change.instanceIds.length === 1) return 0;
    const half = Math.ceil(change.instanceIds.length / 2);
    return await applyChange(port, { ...change, instanceIds: change.instanceIds.slice(0, half) })
      + await applyChange(port, { ...change, instanceIds: change.instanceIds.slice(half) });
  }
}

function isNotFound(e: unknown): boolean {
  const name = (e as { name?: string; Code?: string })?.name ?? (e as { Code?: string })?.Code;
  return name === 'InvalidInstanceID.NotFound';
}

/** One request: read, plan, apply, respond. Never throws: CloudFormation always gets an answer. */
export async function run(event: CustomResourceEvent, port: Ec2Port, respond: Respond): Promise<CustomResourceResponse> {
  let tagged = 0;
  let untagged = 0;
  let error: string | undefined;
  try {
    const request = requestOf(event);
    const members = await port.members(groupsToRead(request));
    for (const change of plan(request, members)) {
      const n = await applyChange(port, change);
      if (change.action === 'create') tagged += n; else untagged += n;
    }
  } catch (e) {
    error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }
  const response = responseOf(event, { tagged, untagged, error });
  console.log(JSON.stringify({ requestType: event.RequestType, logicalResourceId: event.LogicalResourceId, ...response }));
  await respond(event.ResponseURL, response);
  return response;
}

/** PUTs the response to the pre-signed S3 URL CloudFormation gave (no content type: the URL is signed without one). */
export const putResponse: Respond = async (url, response) => {
  const body = JSON.stringify(response);
  const res = await fetch(url, { method: 'PUT', body, headers: { 'content-type': '', 'content-length': String(Buffer.byteLength(body)) } });
  if (!res.ok) throw new Error(`the response to CloudFormation was refused: HTTP ${res.status}`);
};

const port = sdkPort(new EC2Client({ maxAttempts: 5, retryMode: 'standard' }));

/** The entry point: a CloudFormation custom resource request. */
export async function handler(event: CustomResourceEvent): Promise<CustomResourceResponse> {
  return run(event, port, putResponse);
}
