// The stock scenarios, under stable names: a quiet week that pages nobody, and one failure each
// that must page the right severity in time. They describe the fleet generically (the first
// Auto Scaling group, the first instance the app defines), so they run on any app; a scenario
// whose target or expected alarm the app does not have is reported as not applicable.
// Pure: no CDK, no I/O.
import { Scenario } from './scenario.pure';
import { AUTO_SCALING_GROUP_METRICS, AUTO_SCALING_NAMESPACE, EC2_METRICS } from '../private/compute-metric-names';

const TZ = 'Europe/Berlin';
/** A Tuesday morning in business hours (the scheduled instances run since 07:00). */
const TUESDAY = '2026-12-01T08:30:00+01:00';

const failure = (name: string, description: string, rest: Partial<Scenario>): Scenario => ({
  name,
  description,
  start: TUESDAY,
  hours: 5,
  timeZone: TZ,
  ...rest,
  expect: { allowOtherPages: true, ...rest.expect },
});

/** Every stock scenario, the quiet week first. */
export const STOCK_SCENARIOS: readonly Scenario[] = [
  {
    name: 'quiet-week',
    description: 'An ordinary week: business-hours scaling, nightly scale-in, a weekend, two deploys, instance replacements by day and '
      + 'by night, an idle stop, and the scheduled stops and starts. Nobody is paged.',
    start: '2026-11-30T00:00:00+01:00',
    hours: 168,
    timeZone: TZ,
    events: [
      { at: 'Tue 10:00', kind: 'deploy' },
      { at: 'Tue 11:00', kind: 'replace-instance', target: 'group' },
      { at: 'Wed 03:00', kind: 'replace-instance', target: 'group' },
      { at: 'Wed 13:00', kind: 'idle', target: 'instance', minutes: 150 },
      { at: 'Wed 16:30', kind: 'start-instance', target: 'instance' },
      { at: 'Thu 14:00', kind: 'deploy', changes: ['AWS::EC2::SecurityGroup', 'AWS::EC2::Route', 'AWS::IAM::Role', 'AWS::IAM::ManagedPolicy'] },
    ],
    expect: { pages: [], allowOtherPages: false },
  },
  failure('agent-dies-on-one-instance', 'The CloudWatch agent stops on one instance of a group.', {
    events: [{ at: '+60m', kind: 'agent-stops', target: 'group' }],
    expect: { pages: [{ severity: 'CRITICAL', watches: 'CWAgent', withinMinutes: 30, why: 'the agent heartbeat notices a silent agent' }] },
  }),
  failure('agent-dies-on-all-instances', 'The CloudWatch agent stops on every instance of a group.', {
    events: [{ at: '+60m', kind: 'agent-stops', target: 'all' }],
    expect: { pages: [{ severity: 'CRITICAL', watches: 'CWAgent', withinMinutes: 30 }] },
  }),
  failure('os-hang', 'The operating system of an instance hangs: its instance status check fails.', {
    events: [{ at: '+60m', kind: 'os-hang', target: 'group' }],
    expect: { pages: [{ severity: 'CRITICAL', watches: EC2_METRICS.statusCheckFailed, withinMinutes: 10 }] },
  }),
  failure('hardware-failure', 'The host of an instance fails: its system status check fails, and EC2 recovers it where the alarm allows.', {
    events: [{ at: '+60m', kind: 'hardware-failure', target: 'instance' }],
    expect: { pages: [{ severity: 'CRITICAL', watches: EC2_METRICS.statusCheckFailed, withinMinutes: 10, ec2Action: 'recover' }] },
  }),
  failure('disk-fills', 'The root disk of an instance fills up within an hour.', {
    events: [{ at: '+60m', kind: 'disk-fills', target: 'group', minutes: 60 }],
    expect: { pages: [{ severity: 'WARNING', watches: 'disk_used_percent', withinMinutes: 90 }] },
  }),
  failure('memory-leak', 'A process leaks memory until the instance has none left, over two hours.', {
    events: [{ at: '+30m', kind: 'memory-leak', target: 'group', minutes: 120 }],
    expect: { pages: [{ severity: 'WARNING', watches: 'mem_used_percent', withinMinutes: 150 }] },
  }),
  failure('group-cannot-launch', 'A group loses instances and cannot launch new ones (capacity, quota or a broken launch template): it stays below its minimum.', {
    events: [{ at: '+60m', kind: 'launch-fails', target: 'group' }],
    expect: { pages: [{ severity: 'CRITICAL', watches: `${AUTO_SCALING_NAMESPACE}/${AUTO_SCALING_GROUP_METRICS.inServiceInstances}`, withinMinutes: 15 }] },
  }),
  failure('scheduled-start-fails', 'The scheduled start of an instance fails after a night of planned downtime: it stays stopped.', {
    start: '2026-12-01T05:00:00+01:00',
    hours: 5,
    events: [{ at: 'Tue 06:55', kind: 'scheduled-start-fails', target: 'instance' }],
    expect: { pages: [{ severity: 'CRITICAL', withinMinutes: 45, why: 'planned downtime is over and the instance is down' }] },
  }),
  failure('error-burst', 'A Python backend logs a burst of ERROR lines with HTTP 500 in its JSON logs.', {
    events: [{ at: '+60m', kind: 'log-burst', minutes: 20, linesPerMinute: 30 }],
    expect: {
      pages: [
        { severity: 'WARNING', watches: 'ErrorCount', withinMinutes: 20 },
        { severity: 'WARNING', watches: 'Status5xx', withinMinutes: 20 },
      ],
    },
  }),
  failure('audit-delivery-stops', 'CloudTrail stops delivering to the audit log group.', {
    events: [{ at: '+30m', kind: 'audit-delivery-stops' }],
    expect: { pages: [{ severity: 'CRITICAL', watches: 'IncomingLogEvents', withinMinutes: 150 }] },
  }),
  failure('alert-topic-fails', 'The alert topic fails to deliver (a broken key policy or endpoint) while something goes wrong.', {
    events: [{ at: '+30m', kind: 'topic-fails' }, { at: '+40m', kind: 'log-burst', minutes: 20, linesPerMinute: 30 }],
    expect: { pages: [{ severity: 'WARNING', watches: 'NumberOfNotificationsFailed', withinMinutes: 30, why: 'someone must hear that alerts do not arrive' }] },
  }),
];

/** A stock scenario by name. */
export function stockScenario(name: string): Scenario | undefined {
  return STOCK_SCENARIOS.find(s => s.name === name);
}
