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

  test('shares six log group prefixes: five OR operands, the most a link filter holds', () => {
    const prefixes = ['a', 'b', 'c', 'd', 'e', 'f'];
    const { template } = build({ logGroupNamePrefixes: prefixes });
    const filter: string = Object.values<any>(template().findResources('AWS::Oam::Link'))[0].Properties.LinkConfiguration.LogGroupConfiguration.Filter;
    expect(filter.split(' OR ')).toEqual(prefixes.map(p => `LogGroupName LIKE '${p}%'`));
    expect(filter.match(/\b(AND|OR)\b/g)).toHaveLength(5);
  });

  test('fails on seven log group prefixes (six AND/OR operands) or a namespace with a quote', () => {
    expect(() => build({ logGroupNamePrefixes: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] })).toThrow(/logGroupNamePrefixes must be 1 to 6 prefixes.*got 7/);
    expect(() => build({ metricNamespaces: ['it\'s'] })).toThrow(/metricNamespaces\[0\]/);
  });

  test('accepts a custom label without variables, up to 64 characters', () => {
    for (const label of ['prod', 'p'.repeat(64)]) {
      build({ labelTemplate: label }).template().hasResourceProperties('AWS::Oam::Link', { LabelTemplate: label });
    }
  });

  test('fails on a label template that is empty or longer than 64 characters', () => {
    expect(() => build({ labelTemplate: '' })).toThrow(/labelTemplate must be 1 to 64 characters/);
    expect(() => build({ labelTemplate: `$AccountName-${'x'.repeat(52)}` })).toThrow(/labelTemplate must be 1 to 64 characters/);
  });

  /** Namespaces of equal length whose `Namespace IN (...)` filter is exactly `length` characters long. */
  function namespacesForFilter(length: number): string[] {
    const count = Math.ceil(length / 200);
    const fixed = 'Namespace IN ()'.length + count * 2 + (count - 1) * 2; // quotes and separators
    const each = Math.floor((length - fixed) / count);
    const names = Array.from({ length: count }, (_, i) => `N${i}`.padEnd(each, 'x'));
    names[0] = names[0].padEnd(each + (length - fixed - each * count), 'y');
    return names;
  }

  test('accepts a metric filter of exactly 2,000 characters', () => {
    const { template } = build({ metricNamespaces: namespacesForFilter(2000) });
    const filter: string = Object.values<any>(template().findResources('AWS::Oam::Link'))[0].Properties.LinkConfiguration.MetricConfiguration.Filter;
    expect(filter).toHaveLength(2000);
  });

  test('fails on a metric filter longer than 2,000 characters (OAM rejects it at deploy)', () => {
    expect(() => build({ metricNamespaces: namespacesForFilter(2001) })).toThrow(/metricNamespaces must be a list whose link filter is at most 2000 characters.*got 2001/);
    expect(() => build({ metricNamespaces: namespacesForFilter(2626) })).toThrow(/got 2626/);
  });

  test('fails on a log group filter longer than 2,000 characters', () => {
    const prefixes = Array.from({ length: 6 }, (_, i) => `/p${i}/`.padEnd(400, 'x'));
    expect(() => build({ logGroupNamePrefixes: prefixes })).toThrow(/logGroupNamePrefixes must be a list whose link filter is at most 2000 characters/);
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
