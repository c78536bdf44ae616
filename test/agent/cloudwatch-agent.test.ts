import { RemovalPolicy, Stack, aws_autoscaling as autoscaling, aws_ec2 as ec2, aws_iam as iam, aws_kms as kms, aws_logs as logs } from 'aws-cdk-lib';
import { Annotations, Capture, Match, Template } from 'aws-cdk-lib/assertions';
import { AgentConfig, AgentOs, AgentPlugin, AlertTopic, CloudWatchAgent, MonitoredService, ServiceCompute } from '../../src';
import { expectNagClean, newStack, stableTemplate } from '../helpers';
import { importedVpc } from '../service/fake-agent-metrics';

const LOGS = { filePath: '/var/log/orders/app.log', logGroupName: '/orders/app' };

function secureInstance(stack: Stack, id = 'Instance'): ec2.Instance {
  return new ec2.Instance(stack, id, {
    vpc: importedVpc(stack),
    instanceType: new ec2.InstanceType('t3.small'),
    machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    requireImdsv2: true,
    detailedMonitoring: true,
    disableApiTermination: true,
    blockDevices: [{ deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(16, { encrypted: true }) }],
  });
}

function secureGroup(stack: Stack): autoscaling.AutoScalingGroup {
  const vpc = importedVpc(stack);
  return new autoscaling.AutoScalingGroup(stack, 'Group', {
    vpc,
    launchTemplate: new ec2.LaunchTemplate(stack, 'Template', {
      instanceType: new ec2.InstanceType('t3.small'),
      machineImage: ec2.MachineImage.latestAmazonLinux2023(),
      requireImdsv2: true,
      detailedMonitoring: true,
      userData: ec2.UserData.forLinux(),
      role: new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') }),
      blockDevices: [{ deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(16, { encrypted: true }) }],
    }),
    minCapacity: 1,
    maxCapacity: 2,
    notifications: [{ topic: new AlertTopic(stack, 'GroupAlerts', { emails: ['oncall@example.com'] }).topic }],
  });
}

function statements(stack: Stack, policy?: iam.ManagedPolicy): any[] {
  const policies = Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy');
  const only = policy ? stack.getLogicalId(policy.node.defaultChild as iam.CfnManagedPolicy) : undefined;
  return Object.entries(policies).filter(([id]) => only === undefined || id === only)
    .flatMap(([, p]: [string, any]) => p.Properties.PolicyDocument.Statement);
}

describe('CloudWatchAgent', () => {
  test('puts the rendered configuration in an AmazonCloudWatch- parameter', () => {
    const stack = newStack();
    const config = new AgentConfig();
    const agent = new CloudWatchAgent(stack, 'Agent', { config });
    Template.fromStack(stack).hasResourceProperties('AWS::SSM::Parameter', {
      Name: Match.stringLikeRegexp('^AmazonCloudWatch-'),
      Type: 'String',
      Tier: 'Standard',
      Value: config.render(),
      Description: `CloudWatch agent configuration (sha256 ${agent.configHash})`,
    });
    expect(agent.configHash).toMatch(/^[0-9a-f]{16}$/);
    expect(new CloudWatchAgent(newStack(), 'Agent', { config: new AgentConfig({ metrics: [AgentPlugin.cpu()] }) }).configHash).not.toEqual(agent.configHash);
  });

  test('grants exactly what the agent does: its parameter, its namespace, its log groups, and the two EC2 reads', () => {
    const stack = newStack();
    const agent = new CloudWatchAgent(stack, 'Agent', { config: new AgentConfig({ namespace: 'Orders/Agent', logFiles: [LOGS] }) });
    agent.installOnInstance(secureInstance(stack));
    const param = new Capture();
    expect(statements(stack, agent.policy)).toEqual([
      { Sid: 'ReadConfiguration', Effect: 'Allow', Action: 'ssm:GetParameter', Resource: expect.objectContaining({ 'Fn::Join': expect.anything() }) },
      { Sid: 'ReadInstanceMetadata', Effect: 'Allow', Action: ['ec2:DescribeTags', 'ec2:DescribeVolumes'], Resource: '*' },
      { Sid: 'PublishMetrics', Effect: 'Allow', Action: 'cloudwatch:PutMetricData', Resource: '*', Condition: { StringEquals: { 'cloudwatch:namespace': 'Orders/Agent' } } },
      {
        Sid: 'WriteLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^WatchkeeperAgentLogGroupsLogsordersapp/), 'Arn'] },
      },
    ]);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'ReadConfiguration', Resource: param })]) },
      Roles: [{ Ref: Match.stringLikeRegexp('^InstanceInstanceRole') }],
    });
    expect(JSON.stringify(param.asObject())).toContain(':parameter/');
  });

  test('creates one log group per destination: a month of retention, the stack key, retained', () => {
    const stack = newStack();
    const agent = new CloudWatchAgent(stack, 'Agent', {
      config: new AgentConfig({ logFiles: [LOGS, { filePath: '/var/log/orders/error.log', logGroupName: '/orders/app' }, { filePath: '/var/log/messages', logGroupName: '/os/messages' }] }),
    });
    expect(agent.logGroups).toHaveLength(2);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Logs::LogGroup', 2);
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { LogGroupName: '/orders/app', RetentionInDays: 30, KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('Key'), 'Arn'] } },
      DeletionPolicy: 'Retain',
    });
    template.resourceCountIs('AWS::KMS::Key', 1);
  });

  test('an EMF listener gets its log group (retention, key, retained) and the right to write it, and no PutMetricData', () => {
    const stack = newStack();
    new CloudWatchAgent(stack, 'Agent', { config: new AgentConfig({ metrics: [], emf: { logGroupName: '/orders/metrics', retention: logs.RetentionDays.TWO_WEEKS } }) });
    const template = Template.fromStack(stack);
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { LogGroupName: '/orders/metrics', RetentionInDays: 14, KmsKeyId: Match.anyValue() },
      DeletionPolicy: 'Retain',
    });
    const all = statements(stack);
    const write = all.find(st => st.Sid === 'WriteLogs');
    expect(write.Action).toEqual(['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents']);
    expect(JSON.stringify(write.Resource)).toMatch(/LogsordersmetricsRetention|Logsordersmetrics/);
    expect(all.flatMap(st => [st.Action].flat())).not.toContain('cloudwatch:PutMetricData');
  });

  test('grant takes a grantee and returns an iam.Grant; anything but a role fails', () => {
    const stack = newStack();
    const agent = new CloudWatchAgent(stack, 'Agent', { config: new AgentConfig({ logFiles: [LOGS] }) });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    const grant = agent.grant(role);
    expect(grant.success).toBe(true);
    expect(grant.principalStatements.flatMap(st => st.actions)).toEqual(expect.arrayContaining(['ssm:GetParameter', 'cloudwatch:PutMetricData', 'logs:PutLogEvents']));
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', { Roles: [{ Ref: Match.stringLikeRegexp('^Role') }] });
    expect(() => agent.grant(new iam.AccountRootPrincipal())).toThrow(/grant\(grantee\) must be a role/);
  });

  test('two services sharing one AgentConfig share its log groups (names are unique per account and Region)', () => {
    const stack = newStack();
    const vpc = importedVpc(stack);
    const alertTopic = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] });
    const config = new AgentConfig({ logFiles: [LOGS] });
    const api = new MonitoredService(stack, 'Api', { vpc, alertTopic, agent: config });
    const worker = new MonitoredService(stack, 'Worker', { vpc, alertTopic, agent: config, compute: ServiceCompute.newInstance() });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Logs::LogGroup', 1);
    expect(api.agent!.logGroups[0]).toBe(worker.agent!.logGroups[0]);
    // both agents may write to it
    const policies = Object.values(template.findResources('AWS::IAM::ManagedPolicy'))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement).filter((st: any) => st.Sid === 'WriteLogs');
    expect(policies).toHaveLength(2);
  });

  test('fails when two agents of a stack want one log group with different settings, naming the fix', () => {
    const stack = newStack();
    new CloudWatchAgent(stack, 'A', { config: new AgentConfig({ logFiles: [LOGS] }) });
    expect(() => new CloudWatchAgent(stack, 'B', { config: new AgentConfig({ logFiles: [LOGS] }), logRemovalPolicy: RemovalPolicy.DESTROY }))
      .toThrow(/TestStack\/B: log group '\/orders\/app' must be created with the same retention, encryption key and removal policy .*TestStack\/A already created it.*give both the same/);
  });

  test('uses a key and removal policy the user brings, and lets CloudWatch Logs use the key', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'MyKey', { enableKeyRotation: true });
    new CloudWatchAgent(stack, 'Agent', { config: new AgentConfig({ logFiles: [LOGS] }), logEncryptionKey: key, logRemovalPolicy: RemovalPolicy.DESTROY });
    const template = Template.fromStack(stack);
    template.hasResource('AWS::Logs::LogGroup', { Properties: { KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MyKey'), 'Arn'] } }, DeletionPolicy: 'Delete' });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'logs.us-east-1.amazonaws.com' } })]) },
    });
  });

  test('Linux user data installs the agent on Amazon Linux or Ubuntu and starts it on every boot, naming only the parameter', () => {
    const stack = newStack();
    const agent = new CloudWatchAgent(stack, 'Agent', { config: new AgentConfig() });
    const instance = secureInstance(stack);
    agent.installOnInstance(instance);
    const script = stack.resolve(instance.userData.render());
    const text = JSON.stringify(script);
    // The hash would make every configuration change restart the instance.
    expect(text).not.toContain(agent.configHash);
    expect(text).toContain('dnf install -y amazon-cloudwatch-agent');
    expect(text).toContain('ubuntu/${arch}/latest/amazon-cloudwatch-agent.deb');
    expect(text).toContain('/var/lib/cloud/scripts/per-boot/watchkeeper-cloudwatch-agent.sh');
    expect(text).toContain('amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c ssm:');
  });

  test('Windows user data installs the MSI and fetches the configuration', () => {
    const agent = new CloudWatchAgent(newStack(), 'Agent', { config: new AgentConfig({ os: AgentOs.WINDOWS }) });
    const lines = agent.userDataCommands().join('\n');
    expect(lines).toContain('windows/amd64/latest/amazon-cloudwatch-agent.msi');
    expect(lines).toContain('& $ctl -a fetch-config -m ec2 -s -c ssm:');
  });

  test('installs on an Auto Scaling group through its launch template', () => {
    const stack = newStack();
    const group = secureGroup(stack);
    const agent = new CloudWatchAgent(stack, 'Agent', { config: new AgentConfig() });
    agent.installOnAutoScalingGroup(group);
    const template = Template.fromStack(stack);
    const userData = new Capture();
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', { LaunchTemplateData: { UserData: userData } });
    expect(JSON.stringify(userData.asObject())).toContain('fetch-config');
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', { Roles: [{ Ref: Match.stringLikeRegexp('^Role') }] });
  });

  test('fails on a configuration too large for an SSM parameter', () => {
    const logFiles = Array.from({ length: 80 }, (_, i) => ({ filePath: `/var/log/app-${i}/application-with-a-long-name.log`, logGroupName: `/orders/app-${i}` }));
    expect(() => new CloudWatchAgent(newStack(), 'Agent', { config: new AgentConfig({ logFiles }) }))
      .toThrow(/config \(rendered bytes\) must be a whole number between 1 and 8192, got \d+/);
  });

  test('passes the nag packs on an instance and on an Auto Scaling group', () => {
    const stack = newStack();
    const config = new AgentConfig({ additionalMetrics: [AgentPlugin.cpu()], logFiles: [LOGS] });
    new CloudWatchAgent(stack, 'OnInstance', { config }).installOnInstance(secureInstance(stack));
    const groupStack = newStack();
    new CloudWatchAgent(groupStack, 'OnGroup', { config }).installOnAutoScalingGroup(secureGroup(groupStack));
    expectNagClean(stack);
    expectNagClean(groupStack);
  });

  test('matches the golden snapshot', () => {
    const stack = newStack();
    new CloudWatchAgent(stack, 'Agent', { config: new AgentConfig({ logFiles: [LOGS] }) }).installOnInstance(secureInstance(stack));
    expect(stableTemplate(stack)).toMatchSnapshot();
  });
});

describe('MonitoredService with an agent', () => {
  test('installs it on the group it creates, reads memory and disk through it, and adds its log groups', () => {
    const stack = newStack();
    const alertTopic = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] });
    const service = new MonitoredService(stack, 'Api', { vpc: importedVpc(stack), alertTopic, agent: new AgentConfig({ logFiles: [LOGS] }) });
    service.scaleOnMemoryUtilization('MemoryScaling', { targetUtilizationPercent: 70 });
    expect(service.agentMetrics).toBe(service.agent!.config);
    expect(service.logGroups).toEqual(service.agent!.logGroups);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'mem_used_percent', Namespace: 'CWAgent', Dimensions: [{ Name: 'AutoScalingGroupName', Value: Match.anyValue() }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'disk_used_percent',
      Dimensions: Match.arrayWith([{ Name: 'path', Value: '/' }]),
    });
    const userData = new Capture();
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', { LaunchTemplateData: { UserData: userData } });
    expect(JSON.stringify(userData.asObject())).toContain('fetch-config');
    expectNagClean(stack);
  });

  test('on existing instances grants the role and warns that installing is up to the user', () => {
    const stack = newStack();
    const alertTopic = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] });
    const instance = secureInstance(stack, 'LegacyInstance');
    new MonitoredService(stack, 'Legacy', { alertTopic, compute: ServiceCompute.existingInstances([instance]), agent: new AgentConfig() });
    Annotations.fromStack(stack).hasWarning('/TestStack/Legacy', Match.stringLikeRegexp('agent is not installed by this service.*cdk-watchkeeper:MonitoredService.agentNotInstalled'));
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'PublishMetrics' })]) },
      Roles: [{ Ref: Match.stringLikeRegexp('^LegacyInstanceInstanceRole') }],
    });
  });

  test('fails on a Windows configuration for Linux instances', () => {
    const stack = newStack();
    const alertTopic = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] });
    expect(() => new MonitoredService(stack, 'Api', { vpc: importedVpc(stack), alertTopic, agent: new AgentConfig({ os: AgentOs.WINDOWS }) }))
      .toThrow(/agent must be a linux configuration for the instances' Linux user data, got 'a windows configuration'/);
  });
});

describe('MonitoredService with a Windows agent', () => {
  test('a group on a Windows image gets PowerShell user data that installs the agent', () => {
    const stack = newStack();
    const alertTopic = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] });
    const service = new MonitoredService(stack, 'Win', {
      vpc: importedVpc(stack),
      alertTopic,
      compute: ServiceCompute.newAutoScalingGroup({
        machineImage: ec2.MachineImage.latestWindows(ec2.WindowsVersion.WINDOWS_SERVER_2022_ENGLISH_FULL_BASE),
      }),
      agent: new AgentConfig({ os: AgentOs.WINDOWS }),
    });
    const userData = new Capture();
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::LaunchTemplate', { LaunchTemplateData: { UserData: userData } });
    const text = JSON.stringify(userData.asObject());
    expect(text).toContain('<powershell>');
    expect(text).toContain('amazon-cloudwatch-agent.msi');
    expect(service.agentMetrics!.metricMemUsedPercent(service.agentTargets[0]).metricName).toBe('Memory % Committed Bytes In Use');
  });

  test('a Windows group gets a disk alarm per drive: free space of C: below 15 %', () => {
    const stack = newStack();
    const alertTopic = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] });
    const service = new MonitoredService(stack, 'Win', {
      vpc: importedVpc(stack),
      alertTopic,
      compute: ServiceCompute.newAutoScalingGroup({
        machineImage: ec2.MachineImage.latestWindows(ec2.WindowsVersion.WINDOWS_SERVER_2022_ENGLISH_FULL_BASE),
      }),
      agent: new AgentConfig({ os: AgentOs.WINDOWS }),
    });
    const disks = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm'))
      .map((a: any) => a.Properties).filter(p => JSON.stringify(p.Metrics ?? []).includes('LogicalDisk % Free Space'));
    expect(disks).toHaveLength(1);
    const [alarm] = disks;
    expect(alarm.Threshold).toBe(85);
    expect(alarm.ComparisonOperator).toBe('GreaterThanThreshold');
    const free = alarm.Metrics.find((m: any) => m.MetricStat).MetricStat;
    expect(free.Stat).toBe('Minimum');
    expect(free.Metric.Dimensions).toEqual(expect.arrayContaining([{ Name: 'instance', Value: 'C:' }]));
    expect(alarm.Metrics.find((m: any) => m.Expression).Expression).toBe('100 - free');
    expect(service.agentMetrics!.diskPaths).toEqual(['C:']);
  });
});
