// Two stacks with idle shutdown in one account and Region, against the fake AWS, with the
// permissions of each function as synthesized.
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EC2Client } from '@aws-sdk/client-ec2';
import { SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { FakeAws, fakeInstanceArn } from './fake-aws';
import { idleShutdownFunction, idleShutdownStack } from './idle-shutdown-caller';
import { run } from '../../src/cost/idle-shutdown.lambda';

const ec2 = mockClient(EC2Client);
const cw = mockClient(CloudWatchClient);
const sns = mockClient(SNSClient);
/** 2026-11-24 10:30 UTC, in minutes. */
const NOW = Date.UTC(2026, 10, 24, 10, 30) / 60_000;
const resourceTags = (tags: Record<string, string>) => Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:ResourceTag/${k}`, v]));

beforeEach(() => {
  ec2.reset();
  cw.reset();
  sns.reset();
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

// Two stacks in one account and Region, as a user splits services over stacks (defaults everywhere).
const a = idleShutdownFunction(idleShutdownStack([], {}, 'StackA').stack);
const b = idleShutdownFunction(idleShutdownStack([], {}, 'StackB').stack);

describe('IdleShutdown in two stacks', () => {
  test('each acts only on its own instances: its search finds only them, and its role may stop only them', async () => {
    const aws = new FakeAws(NOW, a.caller);
    // both instances idle for three hours, each opted in by its own stack
    aws.addInstance('i-a', { tags: a.instanceTags, runs: [{ from: NOW - 180 }] });
    aws.addInstance('i-b', { tags: b.instanceTags, runs: [{ from: NOW - 180 }] });
    aws.wire(ec2, cw, sns);

    const result = await run(a.settings, () => 600_000, aws.now);

    expect(result.stopped).toEqual(['i-a']);
    expect(aws.running('i-b')).toBe(true);
    // and were it told to, stack A's role could not stop stack B's instance
    expect(await a.caller.may('ec2:StopInstances', fakeInstanceArn('i-b'), resourceTags(b.instanceTags))).toBe(false);
    expect(await b.caller.may('ec2:StopInstances', fakeInstanceArn('i-b'), resourceTags(b.instanceTags))).toBe(true);
  });
});
