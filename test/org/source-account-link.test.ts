import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { SharedTelemetryType, SourceAccountLink, SourceAccountLinkProps } from '../../src';
import { expectNagClean, newStack } from '../helpers';

const SINK = 'arn:aws:oam:us-east-1:111111111111:sink/abcd1234-a123-4567-8901-123456789012';

function build(props: Partial<SourceAccountLinkProps> = {}, stack: Stack = newStack()) {
  const link = new SourceAccountLink(stack, 'Link', { sinkArn: SINK, ...props });
  return { stack, link, template: () => Template.fromStack(stack) };
}

describe('SourceAccountLink', () => {
  test('links to the sink with a label, the shared types and filters on our namespaces', () => {
    const { template } = build();
    template().hasResourceProperties('AWS::Oam::Link', {
      SinkIdentifier: SINK,
      LabelTemplate: '$AccountName',
      ResourceTypes: ['AWS::CloudWatch::Metric', 'AWS::Logs::LogGroup'],
      LinkConfiguration: {
        MetricConfiguration: { Filter: 'Namespace IN (\'AWS/EC2\', \'AWS/AutoScaling\', \'AWS/EBS\', \'CWAgent\')' },
      },
    });
  });

  test('shares only the log groups under the given prefixes, and no metrics filter when metrics are not shared', () => {
    const { template } = build({ sharedTelemetry: [SharedTelemetryType.LOG_GROUPS], logGroupNamePrefixes: ['/watchkeeper/', 'app-'] });
    template().hasResourceProperties('AWS::Oam::Link', {
      ResourceTypes: ['AWS::Logs::LogGroup'],
      LinkConfiguration: { LogGroupConfiguration: { Filter: 'LogGroupName LIKE \'/watchkeeper/%\' OR LogGroupName LIKE \'app-%\'' } },
    });
    const link = Object.values<any>(template().findResources('AWS::Oam::Link'))[0];
    expect(link.Properties.LinkConfiguration.MetricConfiguration).toBeUndefined();
  });

  test('passes the cdk-nag packs', () => {
    expectNagClean(build().stack);
  });

  test('fails on a sink in another Region', () => {
    expect(() => build({ sinkArn: SINK.replace('us-east-1', 'eu-west-1') })).toThrow(/same Region/);
  });

  test('fails on something that is not a sink ARN', () => {
    expect(() => build({ sinkArn: 'arn:aws:sns:us-east-1:111111111111:topic' })).toThrow(/sinkArn/);
  });

  test('fails on more than 5 log group prefixes or a namespace with a quote', () => {
    expect(() => build({ logGroupNamePrefixes: ['a', 'b', 'c', 'd', 'e', 'f'] })).toThrow(/logGroupNamePrefixes/);
    expect(() => build({ metricNamespaces: ['it\'s'] })).toThrow(/metricNamespaces\[0\]/);
  });

  test('fails on a label template without an account variable', () => {
    expect(() => build({ labelTemplate: 'prod' })).toThrow(/labelTemplate/);
  });

  test('fails with more than 5 links in one stack (a source account links to at most 5 monitoring accounts)', () => {
    const stack = newStack();
    for (let i = 0; i < 6; i++) new SourceAccountLink(stack, `Link${i}`, { sinkArn: SINK.replace('111111111111', `11111111111${i}`) });
    expect(() => Template.fromStack(stack)).toThrow(/at most 5/);
  });

  test('allows 5 links in one stack', () => {
    const stack = newStack();
    for (let i = 0; i < 5; i++) new SourceAccountLink(stack, `Link${i}`, { sinkArn: SINK.replace('111111111111', `11111111111${i}`) });
    Template.fromStack(stack).resourceCountIs('AWS::Oam::Link', 5);
  });
});
