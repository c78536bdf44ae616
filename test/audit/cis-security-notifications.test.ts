// The CIS alarms are security notifications, not outages: the stack's own deploys trip them.
import { aws_cloudwatch as cloudwatch, aws_logs as logs } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AlarmRouting, AlertTopic, AuditTrail, CisBenchmarkAlarms } from '../../src';
import { recordedSeverity } from '../../src/private/alarm-metadata';
import { newStack } from '../helpers';

describe('CisBenchmarkAlarms', () => {
  test('labels every alarm a security notification (INFO, no OK notification), so a deploy pages no on-call engineer', () => {
    const stack = newStack();
    const alerts = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] });
    const cis = new CisBenchmarkAlarms(stack, 'Cis', { logGroup: logs.LogGroup.fromLogGroupName(stack, 'Trail', 'org-trail'), alertTopic: alerts });
    expect(cis.alarms).toHaveLength(15);
    const resources = Template.fromStack(stack).toJSON().Resources;
    for (const alarm of cis.alarms) {
      const cfn = alarm.node.defaultChild as cloudwatch.CfnAlarm;
      expect(recordedSeverity(cfn)).toBe('INFO');
      const props = resources[stack.getLogicalId(cfn)].Properties;
      expect(props.OKActions).toBeUndefined();
      expect(props.AlarmActions).toHaveLength(1);
      expect(props.AlarmDescription).toMatch(/^Security notification \(not an outage\): /);
    }
  });

  test('routes security notifications to the topics of INFO, not to the pager', () => {
    const stack = newStack();
    const pager = new AlertTopic(stack, 'Pager', { emails: ['oncall@example.com'] });
    const security = new AlertTopic(stack, 'Security', { emails: ['security@example.com'] });
    const audit = new AuditTrail(stack, 'Audit', { alertTopic: pager, routing: new AlarmRouting({ critical: [pager], info: [security] }) });
    const template = Template.fromStack(stack);
    const securityRef = stack.resolve(security.topic.topicArn);
    const pagerRef = stack.resolve(pager.topic.topicArn);
    for (const alarm of audit.cisAlarms.alarms) {
      const props = template.toJSON().Resources[stack.getLogicalId(alarm.node.defaultChild as cloudwatch.CfnAlarm)].Properties;
      expect(props.AlarmActions).toEqual([securityRef]);
      expect(props.OKActions).toBeUndefined();
    }
    // Audit delivery stopping is an outage of the audit trail: it pages.
    const delivery = template.toJSON().Resources[stack.getLogicalId(audit.deliveryAlarm.node.defaultChild as cloudwatch.CfnAlarm)].Properties;
    expect(delivery.AlarmActions).toEqual([pagerRef]);
  });
});
