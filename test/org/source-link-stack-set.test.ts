import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { MonitoringAccount, SharedTelemetryType, SourceLinkStackSet, SourceLinkStackSetProps, StackSetCaller } from '../../src';
import { expectNagClean, newStack } from '../helpers';

const SINK = 'arn:aws:oam:eu-west-1:111111111111:sink/abcd1234-a123-4567-8901-123456789012';
const OU = 'ou-ab12-11111111';

function build(props: Partial<SourceLinkStackSetProps> = {}, stack: Stack = newStack()) {
  const stackSet = new SourceLinkStackSet(stack, 'SourceLinks', { sinkArn: SINK, organizationalUnitIds: [OU], ...props });
  return { stack, stackSet, template: () => Template.fromStack(stack) };
}

describe('SourceLinkStackSet', () => {
  test('a service-managed StackSet with auto-deployment to the OUs, in the sink\'s Region', () => {
    const { template } = build();
    template().hasResourceProperties('AWS::CloudFormation::StackSet', {
      PermissionModel: 'SERVICE_MANAGED',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      CallAs: 'SELF',
      StackInstancesGroup: [{ DeploymentTargets: { OrganizationalUnitIds: [OU] }, Regions: ['eu-west-1'] }],
      Parameters: [{ ParameterKey: 'SinkArn', ParameterValue: SINK }],
    });
  });

  test('each stack instance holds only the link, with the sink ARN as a parameter', () => {
    const { stackSet, template } = build({ sharedTelemetry: [SharedTelemetryType.METRICS], metricNamespaces: ['AWS/EC2', 'Shop'] });
    const body = JSON.parse(stackSet.templateBody);
    expect(Object.values<any>(body.Resources).map(r => r.Type)).toEqual(['AWS::Oam::Link']);
    expect(Object.keys(body.Parameters)).toEqual(['SinkArn']);
    expect(Object.values<any>(body.Resources)[0].Properties).toEqual({
      SinkIdentifier: { Ref: 'SinkArn' },
      LabelTemplate: '$AccountName',
      ResourceTypes: ['AWS::CloudWatch::Metric'],
      LinkConfiguration: { MetricConfiguration: { Filter: 'Namespace IN (\'AWS/EC2\', \'Shop\')' } },
    });
    const resource = Object.values<any>(template().findResources('AWS::CloudFormation::StackSet'))[0];
    expect(resource.Properties.TemplateBody).toEqual(stackSet.templateBody);
  });

  test('the template is environment-agnostic, asset-free and within 51,200 bytes', () => {
    const { stackSet } = build();
    const body = stackSet.templateBody;
    expect(Buffer.byteLength(body, 'utf8')).toBeLessThanOrEqual(51_200);
    // No account or Region literal: only the pseudo parameters would be allowed.
    expect(body).not.toMatch(/\d{12}/);
    expect(body).not.toMatch(/(us|eu|ap|sa|ca|me|af|il|mx)-[a-z]+-\d/);
    // No lookups (they leave context in the template metadata), no assets, no bootstrap version check.
    expect(body).not.toMatch(/aws:cdk:asset|AssetParameters|BootstrapVersion|cdk-hnb659fds|CDKMetadata/);
    const parsed = JSON.parse(body);
    expect(parsed.Rules).toBeUndefined();
    expect(parsed.Conditions).toBeUndefined();
  });

  test('takes the sink ARN from a monitoring stack of the same app and then needs the Region', () => {
    const app = new App();
    const monitoringStack = new Stack(app, 'Monitoring', { env: { account: '111111111111', region: 'eu-west-1' } });
    const monitoring = new MonitoringAccount(monitoringStack, 'Monitoring', { organizationId: 'o-a1b2c3d4e5' });
    const orgStack = new Stack(app, 'OrgLinks', { env: { account: '111111111111', region: 'eu-west-1' } });
    expect(() => new SourceLinkStackSet(orgStack, 'Fails', { sinkArn: monitoring.sinkArn, organizationalUnitIds: [OU] })).toThrow(/region/);
    new SourceLinkStackSet(orgStack, 'SourceLinks', { sinkArn: monitoring.sinkArn, organizationalUnitIds: [OU], region: 'eu-west-1', callAs: StackSetCaller.DELEGATED_ADMIN });
    Template.fromStack(orgStack).hasResourceProperties('AWS::CloudFormation::StackSet', {
      CallAs: 'DELEGATED_ADMIN',
      Parameters: [{ ParameterKey: 'SinkArn', ParameterValue: { 'Fn::ImportValue': Match.stringLikeRegexp('^Monitoring:ExportsOutputFnGetAttMonitoring.*Arn') } }],
    });
  });

  test('passes the cdk-nag packs', () => {
    expectNagClean(build().stack);
  });

  test('fails on an OU id that is not one, or on none', () => {
    expect(() => build({ organizationalUnitIds: ['123456789012'] })).toThrow(/organizationalUnitIds\[0\]/);
    expect(() => build({ organizationalUnitIds: [] })).toThrow(/organizationalUnitIds/);
  });

  test('fails on a log group filter longer than 2,000 characters, which every stack instance would fail to deploy', () => {
    const prefixes = Array.from({ length: 6 }, (_, i) => `/team-${i}/`.padEnd(400, 'x'));
    expect(() => build({ logGroupNamePrefixes: prefixes })).toThrow(/logGroupNamePrefixes must be a list whose link filter is at most 2000 characters/);
  });

  test('fails when the Region differs from the sink\'s', () => {
    expect(() => build({ region: 'us-east-1' })).toThrow(/same Region/);
  });
});
