// Idle shutdown against CloudWatch's timing (see fake-aws.ts): datapoints readable minutes
// after their period, nothing from a stopped instance, alarms that notify on transitions;
// and with the settings and permissions of the function as synthesized.
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { EC2Client } from '@aws-sdk/client-ec2';
import { SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import * as fc from 'fast-check';
import { FakeAws } from './fake-aws';
import { idleShutdownFunction, idleShutdownStack } from './idle-shutdown-caller';
import { LIVENESS_ALARM_TAG, LIVENESS_MANAGED_TAG } from '../../src/cost/idle-decision.pure';
import { run } from '../../src/cost/idle-shutdown.lambda';

const ec2 = mockClient(EC2Client);
const cw = mockClient(CloudWatchClient);
const sns = mockClient(SNSClient);

// The function as deployed: its settings (5 % peak CPU, 5 MB a day pro rata, the last hour)
// and its role, which the fake AWS asks before it answers. The instance's liveness alarms
// are named as optIn names them; 'someone-elses' is not one of them.
const FUNCTION = idleShutdownFunction(idleShutdownStack(['web-system-check', 'web-instance-check', 'web-system-check-notify']).stack);
const SETTINGS = FUNCTION.settings;
const OPTED_IN = { [SETTINGS.optInTagKey]: SETTINGS.optInTagValue };
/** 2026-11-24 00:00 UTC, in minutes. */
const DAY = Date.UTC(2026, 10, 24) / 60_000;
const plenty = () => 600_000;
const MINUTE_OF_HOUR = fc.integer({ min: 0, max: 59 });

beforeEach(() => {
  ec2.reset();
  cw.reset();
  sns.reset();
  process.env.TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:alerts';
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

/** A world with one instance that has run (idle unless told) for three hours. */
function world(now: number, options: { detailed: boolean; delay?: (end: number) => number; busy?: number[]; from?: number }) {
  const aws = new FakeAws(now, FUNCTION.caller, options.delay);
  aws.addInstance('i-1', { tags: { ...OPTED_IN }, detailed: options.detailed, busyMinutes: new Set(options.busy ?? []), runs: [{ from: options.from ?? now - 180 }] });
  aws.wire(ec2, cw, sns);
  return aws;
}

/** A basic-monitoring delay of 5 to 10 minutes, different for each period. */
const delays = fc.array(fc.integer({ min: 5, max: 10 }), { minLength: 1, maxLength: 12 })
  .map(ds => (end: number) => ds[((end / 5) % ds.length + ds.length) % ds.length]);

describe('idle shutdown with CloudWatch timing', () => {
  test('property: an instance idle for the whole window is stopped by a run at any minute of the hour, basic or detailed monitoring', async () => {
    await fc.assert(fc.asyncProperty(fc.integer({ min: 0, max: 59 }), fc.boolean(), delays, async (minute, detailed, delay) => {
      ec2.reset(); cw.reset(); sns.reset();
      const aws = world(DAY + 10 * 60 + minute, { detailed, delay });
      const result = await run(SETTINGS, plenty, aws.now);
      expect(result.stopped).toEqual(['i-1']);
      expect(aws.running('i-1')).toBe(false);
    }), { numRuns: 150 });
  });

  test('property: activity in any period the run can read keeps the instance', async () => {
    await fc.assert(fc.asyncProperty(MINUTE_OF_HOUR, fc.boolean(), fc.integer({ min: 0, max: 70 }), async (minute, detailed, ago) => {
      ec2.reset(); cw.reset(); sns.reset();
      const now = DAY + 10 * 60 + minute;
      const busy = now - ago;
      const aws = world(now, { detailed, busy: [busy] });
      // the window the run reads: the hour before the newest readable period boundary
      const end = Math.floor((now - (detailed ? 3 : 10)) / 5) * 5;
      const result = await run(SETTINGS, plenty, aws.now);
      if (busy >= end - 60 && busy < end) expect(result.stopped).toEqual([]);
      else expect(result.stopped).toEqual(['i-1']);
    }), { numRuns: 150 });
  });

  test('property: missing data is never idle (an instance stopped for any one period of the window is kept)', async () => {
    await fc.assert(fc.asyncProperty(MINUTE_OF_HOUR, fc.boolean(), fc.integer({ min: 0, max: 11 }), async (minute, detailed, period) => {
      ec2.reset(); cw.reset(); sns.reset();
      const now = DAY + 10 * 60 + minute;
      const end = Math.floor((now - (detailed ? 3 : 10)) / 5) * 5;
      const gap = end - 60 + period * 5;
      const aws = world(now, { detailed });
      aws.instances.get('i-1')!.runs.splice(0, 1, { from: now - 180, to: gap }, { from: gap + 5 });
      const result = await run(SETTINGS, plenty, aws.now);
      expect(result.stopped).toEqual([]);
    }), { numRuns: 150 });
  });

  test('property: no OK or ALARM notification across a planned stop and start; the alarms act again afterwards', async () => {
    await fc.assert(fc.asyncProperty(
      fc.integer({ min: 0, max: 59 }), fc.boolean(), fc.integer({ min: 1, max: 600 }), fc.boolean(), fc.boolean(), fc.boolean(),
      async (runMinute, detailed, stoppedFor, userDisabled, composite, managed) => {
        ec2.reset(); cw.reset(); sns.reset();
        const firstRun = DAY + 10 * 60 + runMinute;
        const aws = world(firstRun - 1, { detailed });
        // the instance's liveness alarms, named in its tags at deploy time
        aws.addAlarm({ name: 'web-system-check', instanceId: 'i-1', evaluationPeriods: 2, actionsEnabled: true, state: 'OK' });
        aws.addAlarm({ name: 'web-instance-check', instanceId: 'i-1', evaluationPeriods: 3, actionsEnabled: !userDisabled, state: 'OK' });
        const tags = aws.instances.get('i-1')!.tags;
        tags[`${LIVENESS_ALARM_TAG}1`] = 'web-system-check';
        tags[`${LIVENESS_ALARM_TAG}2`] = 'web-instance-check';
        if (composite) {
          aws.addAlarm({ name: 'web-system-check-notify', follows: 'web-system-check', evaluationPeriods: 1, actionsEnabled: true, state: 'OK' });
          tags[`${LIVENESS_ALARM_TAG}3`] = 'web-system-check-notify';
        }
        // the alarms the stack deploys with their actions on, when it says so (turned off without reading them first)
        if (managed) tags[LIVENESS_MANAGED_TAG] = ['1', ...(userDisabled ? [] : ['2']), ...(composite ? ['3'] : [])].join(' ');
        // an alarm on the same metric that idle shutdown was not given: never touched
        aws.addAlarm({ name: 'someone-elses', instanceId: 'i-1', evaluationPeriods: 1, actionsEnabled: false, state: 'OK' });

        let stoppedAt: number | undefined;
        let restarted = false;
        for (let hour = 0; hour < 14; hour++) {
          const at = firstRun + hour * 60;
          for (let m = aws.minute + 1; m <= at; m++) {
            aws.advanceTo(m);
            if (stoppedAt !== undefined && !restarted && m === stoppedAt + stoppedFor) {
              aws.start('i-1'); // someone needs it again, and uses it
              aws.instances.get('i-1')!.busyMinutes = new Set(Array.from({ length: 24 * 60 }, (_, k) => m + k));
              restarted = true;
            }
          }
          const result = await run(SETTINGS, plenty, aws.now);
          if (result.stopped.length > 0) stoppedAt = aws.minute;
        }
        expect(stoppedAt).toBe(firstRun);
        expect(restarted).toBe(true);
        expect(aws.notifications).toEqual([]);
        expect(aws.alarms.get('web-system-check')!.actionsEnabled).toBe(true);
        expect(aws.alarms.get('web-instance-check')!.actionsEnabled).toBe(!userDisabled);
        if (composite) expect(aws.alarms.get('web-system-check-notify')!.actionsEnabled).toBe(true);
        expect(aws.alarms.get('someone-elses')!.actionsEnabled).toBe(false);
        expect(tags['watchkeeper:liveness-silenced']).toBeUndefined();
      }), { numRuns: 60 });
  });
});

describe('the fake CloudWatch', () => {
  test('returns composite alarms only to a caller allowed DescribeAlarms on *, and leaves them out without an error otherwise', async () => {
    const answer = async (mayReadAll: boolean) => {
      cw.reset();
      const aws = new FakeAws(DAY, { may: async (_action, resource) => mayReadAll || resource !== '*' });
      aws.addAlarm({ name: 'check', instanceId: 'i-1', evaluationPeriods: 1, actionsEnabled: true, state: 'OK' });
      aws.addAlarm({ name: 'check-notify', follows: 'check', evaluationPeriods: 1, actionsEnabled: true, state: 'OK' });
      aws.wire(ec2, cw, sns);
      const out = await new CloudWatchClient({}).send(new DescribeAlarmsCommand({ AlarmNames: ['check', 'check-notify'], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] }));
      return [...(out.MetricAlarms ?? []), ...(out.CompositeAlarms ?? [])].map(a => a.AlarmName);
    };
    expect(await answer(true)).toEqual(['check', 'check-notify']);
    expect(await answer(false)).toEqual(['check']);
  });
});
