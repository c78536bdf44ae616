import { App, Duration, Stack, aws_cloudwatch as cloudwatch } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AlertTopic, MaintenanceWindow, MaintenanceWindowProps, MonitoredService, ServiceCompute } from '../../src';
import { TEST_ENV, expectNagClean, newStack } from '../helpers';
import { importedVpc } from './fake-agent-metrics';

function service(stack: Stack): MonitoredService {
  const alertTopic = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] });
  return new MonitoredService(stack, 'Api', { vpc: importedVpc(stack), alertTopic, compute: ServiceCompute.newInstance(), serviceName: 'orders-api' });
}

const WEEKLY = { schedule: 'cron(0 2 * * SUN)', duration: Duration.hours(4), timeZone: 'Europe/Berlin' };

function rules(stack: Stack): any[] {
  return Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::AlarmMuteRule')).map((r: any) => r.Properties);
}

describe('MaintenanceWindow', () => {
  test('mutes every alarm of a service on a cron schedule, for a duration, in a time zone', () => {
    const stack = newStack();
    const api = service(stack);
    new MaintenanceWindow(stack, 'Patching', { ...WEEKLY, services: [api] });
    const [rule] = rules(stack);
    expect(rule.Rule).toEqual({ Schedule: { Expression: 'cron(0 2 * * SUN)', Duration: 'PT4H', Timezone: 'Europe/Berlin' } });
    expect(rule.MuteTargets.AlarmNames).toEqual(api.alarms.map(a => stack.resolve(a.alarmName)));
    expect(rule.Description).toBe('Maintenance window TestStack/Patching of orders-api');
    expectNagClean(stack);
  });

  test('a one-time window with a start date; a recurring one that expires', () => {
    const stack = newStack();
    const api = service(stack);
    new MaintenanceWindow(stack, 'Migration', { schedule: 'at(2026-12-05T22:00)', duration: Duration.days(2), timeZone: 'UTC', services: [api] });
    new MaintenanceWindow(stack, 'Nightly', { schedule: 'cron(30 1 * * MON-FRI)', duration: Duration.minutes(30), timeZone: 'UTC', alarms: api.alarms, startDate: '2026-12-01T00:00', expireDate: '2027-03-31T23:59' });
    const [once, nightly] = rules(stack);
    expect(once.Rule.Schedule).toEqual({ Expression: 'at(2026-12-05T22:00)', Duration: 'P2D', Timezone: 'UTC' });
    expect(nightly).toEqual(expect.objectContaining({ StartDate: '2026-12-01T00:00', ExpireDate: '2027-03-31T23:59' }));
  });

  test('splits more than 100 alarms over several rules (100 names each)', () => {
    const stack = newStack();
    const alarms = Array.from({ length: 230 }, (_, i) => cloudwatch.Alarm.fromAlarmName(stack, `A${i}`, `alarm-${i}`));
    const window = new MaintenanceWindow(stack, 'Patching', { ...WEEKLY, alarms });
    expect(rules(stack).map(r => r.MuteTargets.AlarmNames.length)).toEqual([100, 100, 30]);
    expect(window.muteRules).toHaveLength(3);
  });

  test.each<[string, Partial<MaintenanceWindowProps>, RegExp]>([
    ['a window longer than 15 days', { duration: Duration.days(16) }, /duration must be whole minutes from 1 \(PT1M\) to 21600 \(15 days, P15D\), the longest an alarm mute rule lasts, got '23040 minutes'/],
    ['a window of seconds', { duration: Duration.seconds(30) }, /duration must be whole minutes from 1 \(PT1M\)/],
    ['an EventBridge Scheduler cron (six fields)', { schedule: 'cron(0 2 ? * SUN *)' }, /schedule must be cron\(minute hour day-of-month month day-of-week\) using only digits, names, \*, , and -/],
    ['a step in the cron', { schedule: 'cron(*/5 2 * * SUN)' }, /schedule must be cron\(minute hour day-of-month month day-of-week\)/],
    ['an unknown time zone', { timeZone: 'Mars/Olympus' }, /timeZone must be an IANA time zone/],
    ['an expiry before the start', { startDate: '2027-01-01T00:00', expireDate: '2026-12-31T00:00' }, /expireDate must be after startDate \(2027-01-01T00:00\)/],
    ['an expiry on a one-time window', { schedule: 'at(2026-12-05T22:00)', expireDate: '2026-12-31T00:00' }, /expireDate must be left out for a one-time window/],
    ['a start after a one-time window', { schedule: 'at(2026-12-05T22:00)', startDate: '2026-12-06T00:00' }, /startDate must be at or before the one-time window/],
    ['a date that does not exist', { expireDate: '2027-02-30T00:00' }, /expireDate must be a local date and time yyyy-MM-ddThh:mm/],
  ])('fails at synth for %s', (_name, props, message) => {
    const stack = newStack();
    const api = service(stack);
    expect(() => new MaintenanceWindow(stack, 'W', { ...WEEKLY, services: [api], ...props })).toThrow(message);
  });

  test('fails at synth when it mutes nothing', () => {
    const stack = newStack();
    new MaintenanceWindow(stack, 'Empty', WEEKLY);
    expect(() => Template.fromStack(stack)).toThrow(/a maintenance window must mute at least one alarm/);
  });

  test('warns at 1,600 mute rules in an app and fails above CloudWatch\'s 2,000 per account and Region', () => {
    const app = new App();
    // Spread over stacks of 400 resources (CloudFormation's 500 per stack): the quota is the account's.
    const stacks = Array.from({ length: 6 }, (_, i) => new Stack(app, `Many${i}`, { env: TEST_ENV }));
    const alarms = stacks.map(s => cloudwatch.Alarm.fromAlarmName(s, 'A', 'alarm'));
    for (let i = 0; i < 2000; i++) new MaintenanceWindow(stacks[Math.floor(i / 400)], `W${i}`, { ...WEEKLY, alarms: [alarms[Math.floor(i / 400)]] });
    Annotations.fromStack(stacks[3]).hasWarning('/Many3/W1599/MuteRule', Match.stringLikeRegexp("1600 alarm mute rules, 80 % of CloudWatch's 2000 per account and Region"));
    expect(() => new MaintenanceWindow(stacks[5], 'W2000', { ...WEEKLY, alarms: [alarms[5]] }))
      .toThrow(/alarm mute rules in this app must be at most 2000 \(CloudWatch's quota per account and Region, which cannot be raised\), got '2001 rules'/);
  });
});
