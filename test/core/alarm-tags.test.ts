import { Tags, aws_cloudwatch as cloudwatch, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AlarmRouting, AlarmSet, AlarmSeverity, AlarmTags, AlertTopic, MonitoredService, ServiceCompute } from '../../src';
import { newStack } from '../helpers';

const cpu = new cloudwatch.Metric({ namespace: 'AWS/EC2', metricName: 'CPUUtilization', dimensionsMap: { InstanceId: 'i-0123456789abcdef0' } });

/** Tags of every alarm (metric and composite), as key → value maps by logical ID. */
function alarmTags(stack: ReturnType<typeof newStack>): Record<string, Record<string, string>> {
  const t = Template.fromStack(stack);
  const all = { ...t.findResources('AWS::CloudWatch::Alarm'), ...t.findResources('AWS::CloudWatch::CompositeAlarm') };
  const tags = (r: any) => Object.fromEntries((r.Properties.Tags ?? []).map((x: any) => [x.Key, x.Value]));
  return Object.fromEntries(Object.entries(all).map(([id, r]) => [id, tags(r)]));
}

function propagation(stack: ReturnType<typeof newStack>): unknown[] {
  const t = Template.fromStack(stack);
  const all = { ...t.findResources('AWS::CloudWatch::Alarm'), ...t.findResources('AWS::CloudWatch::CompositeAlarm') };
  return Object.values(all).map(r => r.Properties.ActionConfiguration);
}

describe('AlarmTags', () => {
  test('every alarm of a service carries service, severity, runbook and owner, and propagates exactly those', () => {
    const stack = newStack();
    const alerts = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] });
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 1, maxAzs: 1 });
    new MonitoredService(stack, 'Api', {
      vpc,
      alertTopic: alerts,
      serviceName: 'orders-api',
      compute: ServiceCompute.newInstance(),
      alarms: { owner: 'payments', runbookUrl: 'https://wiki.example.com/runbooks/orders' },
    });
    const tags = alarmTags(stack);
    const serviceAlarms = Object.entries(tags).filter(([id]) => id.startsWith('ApiAlarms'));
    expect(serviceAlarms.length).toBeGreaterThan(3);
    for (const [, t] of serviceAlarms) {
      expect(t).toEqual(expect.objectContaining({ service: 'orders-api', owner: 'payments', runbook: 'https://wiki.example.com/runbooks/orders' }));
      expect(['CRITICAL', 'WARNING', 'INFO']).toContain(t.severity);
    }
    // The topic's own alarm too, with the defaults.
    expect(Object.entries(tags).find(([id]) => id.startsWith('AlertsAlarmsFailedDelivery'))![1])
      .toEqual({ service: 'TestStack', severity: 'WARNING', runbook: 'none', owner: 'unassigned' });
    for (const p of propagation(stack)) {
      expect(p).toEqual({ AlarmTagsPropagation: { Enabled: true, IncludedTagKeys: AlarmTags.keys() } });
    }
  });

  test('composite alarms are tagged and propagate too; severity is the routed one', () => {
    const stack = newStack();
    const alerts = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'], failedDeliveryAlarm: false });
    const set = new AlarmSet(stack, 'Set', { routing: new AlarmRouting({ critical: [alerts], owner: 'platform' }), serviceName: 'legacy' });
    const a = set.addAlarm('Cpu', cpu, { threshold: 90, severity: AlarmSeverity.INFO });
    set.addCompositeAlarm('Down', { rule: cloudwatch.AlarmRule.fromAlarm(a, cloudwatch.AlarmState.ALARM) });
    const tags = Object.values(alarmTags(stack));
    expect(tags).toEqual([
      { service: 'legacy', severity: 'INFO', runbook: 'none', owner: 'platform' },
      { service: 'legacy', severity: 'CRITICAL', runbook: 'none', owner: 'platform' },
    ]);
    expect(propagation(stack)).toHaveLength(2);
  });

  test('Tags.of on an enclosing scope, and the set\'s own tags, override the defaults', () => {
    const stack = newStack();
    const alerts = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'], failedDeliveryAlarm: false });
    const set = new AlarmSet(stack, 'Set', { routing: AlarmRouting.toTopic(alerts), tags: { service: 'from-set-tags' } });
    set.addAlarm('Cpu', cpu, { threshold: 90 });
    Tags.of(stack).add('owner', 'database-team');
    expect(Object.values(alarmTags(stack))[0]).toEqual(expect.objectContaining({ service: 'from-set-tags', owner: 'database-team' }));
  });

  test('fails at synth for a runbook URL longer than a tag value may be (256 characters)', () => {
    const stack = newStack();
    const alerts = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'], failedDeliveryAlarm: false });
    const set = new AlarmSet(stack, 'Set', { routing: AlarmRouting.toTopic(alerts), runbookUrl: `https://wiki.example.com/${'r'.repeat(240)}` });
    expect(() => set.addAlarm('Cpu', cpu, { threshold: 90 })).toThrow(/tag runbook must be 1 to 256 characters, not starting with aws: \(an alarm tag value\), got '265 characters'/);
  });

  test.each<[string, string[], RegExp]>([
    ['51 keys, over the 50 AlarmTagsPropagation takes', Array.from({ length: 51 }, (_, i) => `k${i}`), /propagatedTagKeys must be 1 to 50 tag keys .* got '51 keys'/],
    ['a reserved aws: key, never propagated', ['service', 'aws:cloudformation:stack-name'], /propagatedTagKeys must be keys of 1 to 128 characters not starting with aws:/],
    ['no key at all', [], /propagatedTagKeys must be 1 to 50 tag keys/],
  ])('fails at synth for propagated tag keys CloudWatch rejects: %s', (_name, keys, error) => {
    const stack = newStack();
    const alerts = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'], failedDeliveryAlarm: false });
    const set = new AlarmSet(stack, 'Set', { routing: new AlarmRouting({ critical: [alerts], propagatedTagKeys: keys }) });
    expect(() => set.addAlarm('Cpu', cpu, { threshold: 90 })).toThrow(error);
  });

  test('tag propagation grants nothing: an alarm set makes no IAM resource', () => {
    const stack = newStack();
    const alerts = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'], failedDeliveryAlarm: false });
    new AlarmSet(stack, 'Set', { routing: AlarmRouting.toTopic(alerts) }).addAlarm('Cpu', cpu, { threshold: 90 });
    const types = Object.values(Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string }>).map(r => r.Type);
    expect(types.filter(t => t.startsWith('AWS::IAM::'))).toEqual([]);
  });
});
