import { aws_lambda as lambda, aws_sqs as sqs } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AlarmSeverity, AlarmTagFilter, AlertTopic } from '../../src';
import { expectNagClean, newStack } from '../helpers';

function topic() {
  const stack = newStack();
  const alerts = new AlertTopic(stack, 'Alerts', { emails: ['everything@example.com'] });
  return { stack, alerts };
}

describe('AlertTopic tag-filtered subscriptions', () => {
  test('the database team gets only its services\' CRITICAL pages: a filter policy on the alarm tags in the message body', () => {
    const { stack, alerts } = topic();
    alerts.addSmsSubscription('+14155550100', { severities: [AlarmSeverity.CRITICAL], owners: ['database'] });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'sms',
      Endpoint: '+14155550100',
      FilterPolicyScope: 'MessageBody',
      FilterPolicy: { AlarmTags: { severity: ['CRITICAL'], owner: ['database'] } },
    });
    // The unfiltered subscriber still hears everything.
    t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', FilterPolicy: Match.absent() });
  });

  test('every kind of subscription takes a filter', () => {
    const { stack, alerts } = topic();
    const only = { services: ['orders-api', 'billing'] };
    alerts.addEmailSubscription('orders@example.com', only);
    alerts.addHttpsSubscription('https://chat.example.com/hook', only);
    alerts.addSqsSubscription(new sqs.Queue(stack, 'Queue', { enforceSSL: true }), only);
    alerts.addLambdaSubscription(lambda.Function.fromFunctionArn(stack, 'Fn', 'arn:aws:lambda:us-east-1:123456789012:function:pager'), only);
    const subs = Object.values(Template.fromStack(stack).findResources('AWS::SNS::Subscription')).map((r: any) => r.Properties);
    expect(subs.filter(s => s.FilterPolicyScope === 'MessageBody').map(s => s.FilterPolicy))
      .toEqual(Array(4).fill({ AlarmTags: { service: ['orders-api', 'billing'] } }));
  });

  test.each<[string, AlarmTagFilter, RegExp]>([
    ['no list at all', {}, /filter must be at least one of severities, services or owners/],
    ['an empty list', { owners: [] }, /filter\.owner must be a non-empty list \(leave it out to receive any\)/],
    ['more than 150 combinations of values (an SNS limit)', { severities: [AlarmSeverity.CRITICAL, AlarmSeverity.WARNING], services: Array.from({ length: 80 }, (_, i) => `svc-${i}`) },
      /filter must be at most 150 combinations of values \(an SNS filter policy limit: the product of the list lengths\), got '160 combinations'/],
  ])('fails at synth for a filter SNS rejects: %s', (_name, filter, message) => {
    const { alerts } = topic();
    expect(() => alerts.addEmailSubscription('x@example.com', filter)).toThrow(message);
  });

  test('warns past SNS\'s default 200 filter policies per topic', () => {
    const { stack, alerts } = topic();
    for (let i = 0; i < 201; i++) alerts.addEmailSubscription(`team${i}@example.com`, { owners: [`team${i}`] });
    Annotations.fromStack(stack).hasWarning('/TestStack/Alerts', Match.stringLikeRegexp('more than 200 filtered subscriptions'));
  });

  test('grants nothing: the topic policy is the same with and without filtered subscribers', () => {
    const plain = topic();
    const filtered = topic();
    filtered.alerts.addEmailSubscription('db@example.com', { owners: ['database'] });
    const policies = (s: typeof plain) => Template.fromStack(s.stack).findResources('AWS::SNS::TopicPolicy');
    expect(policies(filtered)).toEqual(policies(plain));
    expectNagClean(filtered.stack);
  });
});
