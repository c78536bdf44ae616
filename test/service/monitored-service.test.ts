import { CfnWaitConditionHandle, Size, Stack, aws_autoscaling as autoscaling, aws_ec2 as ec2, aws_iam as iam, aws_kms as kms, aws_logs as logs, aws_sns as sns } from 'aws-cdk-lib';
import { Annotations, Capture, Match, Template } from 'aws-cdk-lib/assertions';
import { Construct } from 'constructs';
import { AgentConfig, AgentPlugin, AlertTopic, IdleShutdown, JsonLogFormat, MonitoredService, MonitoredServiceProps, ServiceCompute, ServiceEgress } from '../../src';
import { expectNagClean, nagFindings, newStack, stableTemplate } from '../helpers';
import { FakeAgentMetrics, importedVpc } from './fake-agent-metrics';

function setup(props: Partial<MonitoredServiceProps> = {}, id = 'Api', stack = newStack()): { stack: Stack; service: MonitoredService } {
  const vpc = importedVpc(stack);
  const alertTopic = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] });
  const service = new MonitoredService(stack, id, { vpc, alertTopic, ...props });
  return { stack, service };
}

function managedPolicyStatements(template: Template): any[] {
  const policies = template.findResources('AWS::IAM::ManagedPolicy');
  return Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

describe('MonitoredService', () => {
  describe('default compute: a new Auto Scaling group', () => {
    test('launch template requires IMDSv2, encrypts a gp3 root volume, has no key and no public IP', () => {
      const { stack } = setup();
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::AutoScaling::AutoScalingGroup', 1);
      template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
        LaunchTemplateData: Match.objectLike({
          MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2 },
          BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { Encrypted: true, VolumeType: 'gp3', VolumeSize: 16, DeleteOnTermination: true } }],
          Monitoring: { Enabled: true },
          NetworkInterfaces: [Match.objectLike({ AssociatePublicIpAddress: false, DeviceIndex: 0 })],
          KeyName: Match.absent(),
          InstanceType: 't3.small',
        }),
      });
    });

    test('group runs in the private subnets with group metrics, warmup and capacity defaults', () => {
      const { stack } = setup();
      Template.fromStack(stack).hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
        VPCZoneIdentifier: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'],
        MinSize: '1',
        MaxSize: '2',
        DesiredCapacity: Match.absent(),
        DefaultInstanceWarmup: 300,
        MetricsCollection: [{ Granularity: '1Minute' }],
      });
    });

    test('sends every group event to the alert topic and lets Auto Scaling use the topic key', () => {
      const { stack } = setup();
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
        NotificationConfigurations: [{
          TopicARN: { Ref: Match.stringLikeRegexp('^Alerts') },
          NotificationTypes: [
            'autoscaling:EC2_INSTANCE_LAUNCH', 'autoscaling:EC2_INSTANCE_LAUNCH_ERROR',
            'autoscaling:EC2_INSTANCE_TERMINATE', 'autoscaling:EC2_INSTANCE_TERMINATE_ERROR',
          ],
        }],
      });
      const key = Object.values(template.findResources('AWS::KMS::Key'))[0] as any;
      const statement = key.Properties.KeyPolicy.Statement.find((s: any) => s.Sid === 'AllowAutoScalingNotifications');
      expect(statement).toMatchObject({
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Condition: {
          StringEquals: { 'kms:CallerAccount': '123456789012', 'kms:ViaService': 'sns.us-east-1.amazonaws.com' },
          ArnLike: { 'aws:PrincipalArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::123456789012:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling*']] } },
        },
      });
    });

    test('two services on one topic add the key statement once', () => {
      const { stack } = setup();
      const alertTopic = stack.node.findChild('Alerts') as AlertTopic;
      new MonitoredService(stack, 'Second', { vpc: importedVpc(new Stack(stack, 'Other')), alertTopic });
      const key = Object.values(Template.fromStack(stack).findResources('AWS::KMS::Key'))[0] as any;
      expect(key.Properties.KeyPolicy.Statement.filter((s: any) => s.Sid === 'AllowAutoScalingNotifications')).toHaveLength(1);
    });

    test('security group has no inbound rule until one is allowed', () => {
      const { stack } = setup();
      Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroup', {
        SecurityGroupIngress: Match.absent(),
        SecurityGroupEgress: [Match.objectLike({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 })],
      });
      const opened = setup();
      opened.service.connections.allowFrom(ec2.Peer.ipv4('10.0.0.0/16'), ec2.Port.tcp(8080));
      Template.fromStack(opened.stack).hasResourceProperties('AWS::EC2::SecurityGroup', {
        SecurityGroupIngress: [Match.objectLike({ CidrIp: '10.0.0.0/16', FromPort: 8080 })],
      });
    });

    test('egress is HTTPS only by default, and can be narrowed to peers or opened to all traffic', () => {
      const narrowed = setup({ compute: ServiceCompute.newAutoScalingGroup({ egress: ServiceEgress.httpsTo([ec2.Peer.ipv4('10.0.0.0/16')]) }) });
      Template.fromStack(narrowed.stack).hasResourceProperties('AWS::EC2::SecurityGroup', {
        SecurityGroupEgress: [Match.objectLike({ CidrIp: '10.0.0.0/16', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 })],
      });
      const open = setup({ compute: ServiceCompute.newInstance({ egress: ServiceEgress.allTraffic() }) });
      Template.fromStack(open.stack).hasResourceProperties('AWS::EC2::SecurityGroup', {
        SecurityGroupEgress: [Match.objectLike({ CidrIp: '0.0.0.0/0', IpProtocol: '-1' })],
      });
      // no rule on every protocol in the default (AWS Guard SECURITY_GROUP_EGRESS_ALL_PROTOCOLS)
      const { stack } = setup();
      const groups = Template.fromStack(stack).findResources('AWS::EC2::SecurityGroup');
      const rules = Object.values(groups).flatMap((g: any) => g.Properties.SecurityGroupEgress ?? []);
      expect(rules.filter((r: any) => r.IpProtocol === '-1')).toEqual([]);
    });

    test('fails on egress together with a security group of your own, or on httpsTo with no peer', () => {
      const stack = newStack();
      const vpc = importedVpc(stack);
      const securityGroup = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-12345678');
      const alertTopic = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] });
      expect(() => new MonitoredService(stack, 'Api', {
        vpc, alertTopic, compute: ServiceCompute.newAutoScalingGroup({ securityGroup, egress: ServiceEgress.httpsOnly() }),
      })).toThrow(/egress must be unset when you bring your own securityGroup/);
      expect(() => new MonitoredService(stack, 'Api2', {
        vpc, alertTopic, compute: ServiceCompute.newAutoScalingGroup({ egress: ServiceEgress.httpsTo([]) }),
      })).toThrow(/egress must be ServiceEgress.httpsTo\(\) with at least one peer/);
    });

    test('role has no AWS managed policy and a Session Manager policy of its own', () => {
      const { stack, service } = setup();
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'ec2.amazonaws.com' } })] },
        ManagedPolicyArns: Match.absent(),
      });
      template.resourceCountIs('AWS::IAM::Policy', 0);
      expect(service.sessionManagerPolicy).toBeDefined();
      expect(managedPolicyStatements(template)).toEqual([
        {
          Sid: 'RegisterInstance',
          Effect: 'Allow',
          Action: 'ssm:UpdateInstanceInformation',
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ec2:us-east-1:123456789012:instance/*']] },
        },
        {
          Sid: 'SessionChannels',
          Effect: 'Allow',
          Action: ['ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel'],
          Resource: '*',
        },
      ]);
    });

    test('the only statement on Resource * holds only ssmmessages actions, which have no resource type', () => {
      const { stack } = setup();
      const star = managedPolicyStatements(Template.fromStack(stack)).filter(s => s.Resource === '*');
      const actions = star.flatMap(s => [].concat(s.Action));
      expect(actions.length).toBeGreaterThan(0);
      expect(actions.every(a => a.startsWith('ssmmessages:'))).toBe(true);
    });

    test('services of one stack share one Session Manager policy, attached to each role', () => {
      const { stack, service } = setup();
      const other = new MonitoredService(stack, 'Worker', { vpc: stack.node.findChild('ImportedVpc') as ec2.IVpc, alertTopic: service.alertTopic });
      expect(other.sessionManagerPolicy).toBe(service.sessionManagerPolicy);
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
      template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
        Roles: [{ Ref: Match.stringLikeRegexp('^ApiRole') }, { Ref: Match.stringLikeRegexp('^WorkerRole') }],
      });
    });

    test('sessionManager: false attaches no policy', () => {
      const { stack, service } = setup({ sessionManager: false });
      Template.fromStack(stack).resourceCountIs('AWS::IAM::ManagedPolicy', 0);
      expect(service.sessionManagerPolicy).toBeUndefined();
    });

    test('every default can be overridden', () => {
      const stack = newStack();
      const vpc = importedVpc(stack);
      const alertTopic = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] });
      const role = new iam.Role(stack, 'MyRole', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
      const securityGroup = new ec2.SecurityGroup(stack, 'MySg', { vpc });
      const service = new MonitoredService(stack, 'Api', {
        alertTopic,
        compute: ServiceCompute.newAutoScalingGroup({
          vpc,
          vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
          instanceType: new ec2.InstanceType('m7i.large'),
          machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.X86_64 }),
          role,
          securityGroup,
          rootVolumeSize: Size.gibibytes(40),
          rootDeviceName: '/dev/sda1',
          minCapacity: 2,
          maxCapacity: 8,
          desiredCapacity: 3,
          notificationEvents: autoscaling.ScalingEvents.ERRORS,
        }),
      });
      expect(service.role).toBe(role);
      expect(service.securityGroup).toBe(securityGroup);
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
        VPCZoneIdentifier: ['subnet-0bbbbbbbbbbbbbbb1', 'subnet-0bbbbbbbbbbbbbbb2'],
        MinSize: '2',
        MaxSize: '8',
        DesiredCapacity: '3',
        NotificationConfigurations: [Match.objectLike({ NotificationTypes: ['autoscaling:EC2_INSTANCE_LAUNCH_ERROR', 'autoscaling:EC2_INSTANCE_TERMINATE_ERROR'] })],
      });
      template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
        LaunchTemplateData: Match.objectLike({
          InstanceType: 'm7i.large',
          BlockDeviceMappings: [{ DeviceName: '/dev/sda1', Ebs: Match.objectLike({ Encrypted: true, VolumeSize: 40 }) }],
        }),
      });
      template.resourceCountIs('AWS::IAM::Role', 1);
      template.hasResourceProperties('AWS::IAM::ManagedPolicy', { Roles: [{ Ref: Match.stringLikeRegexp('^MyRole') }] });
    });

    test('warns about unencrypted block devices the user brings', () => {
      const { stack } = setup({
        compute: ServiceCompute.newAutoScalingGroup({
          blockDevices: [{ deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(20, { encrypted: false }) }],
        }),
      });
      Annotations.fromStack(stack).hasWarning('/TestStack/Api', Match.stringLikeRegexp('cdk-watchkeeper:ServiceCompute.unencryptedVolume'));
    });

    test.each([
      ['minCapacity above maxCapacity', { minCapacity: 5, maxCapacity: 2 }, /Api: minCapacity must be at most maxCapacity \(2\), got 5/],
      ['desiredCapacity outside the bounds', { minCapacity: 1, maxCapacity: 2, desiredCapacity: 4 }, /desiredCapacity must be between minCapacity \(1\) and maxCapacity \(2\), got 4/],
      ['fractional capacity', { minCapacity: 1.5 }, /minCapacity must be a whole number between 0 and 10000, got 1.5/],
      ['a root volume that is not whole GiB', { rootVolumeSize: Size.mebibytes(1500) }, /rootVolumeSize \(GiB\) must be a whole number between 1 and 16384, got 1.46484375/],
    ])('fails on %s', (_name, options, message) => {
      expect(() => setup({ compute: ServiceCompute.newAutoScalingGroup(options) })).toThrow(message);
    });

    test('fails without a VPC when it has to create instances', () => {
      const stack = newStack();
      const alertTopic = new AlertTopic(stack, 'Alerts', { emails: ['a@example.com'] });
      expect(() => new MonitoredService(stack, 'Api', { alertTopic })).toThrow(/TestStack\/Api: vpc must be set on the service or in the compute options/);
    });

    test('fails on a multi-line service name', () => {
      expect(() => setup({ serviceName: 'a\nb' })).toThrow(/serviceName must be a single line/);
    });
  });

  describe('other compute choices', () => {
    test('new instance: secure defaults plus termination protection', () => {
      const { stack, service } = setup({ compute: ServiceCompute.newInstance({ instanceName: 'batch' }) }, 'Worker');
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::AutoScaling::AutoScalingGroup', 0);
      template.hasResourceProperties('AWS::EC2::Instance', {
        SubnetId: 'subnet-0aaaaaaaaaaaaaaa1',
        DisableApiTermination: true,
        Monitoring: true,
        KeyName: Match.absent(),
        BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: Match.objectLike({ Encrypted: true, VolumeType: 'gp3' }) }],
        Tags: [{ Key: 'Name', Value: 'batch' }],
      });
      // IMDSv2 through a launch template with no name: a fixed name fails the second deploy
      template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
        LaunchTemplateName: Match.absent(),
        LaunchTemplateData: { MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled', HttpPutResponseHopLimit: 2 } },
      });
      template.hasResourceProperties('AWS::EC2::Instance', {
        LaunchTemplate: { LaunchTemplateId: { Ref: Match.stringLikeRegexp('InstanceMetadataOptions') }, Version: Match.anyValue() },
      });
      expect(service.instances).toHaveLength(1);
      expect(service.autoScalingGroup).toBeUndefined();
      expect(service.agentTargets.map(t => t.dimensionName)).toEqual(['InstanceId']);
    });

    test('new instance warns when placed in a public subnet, and can drop termination protection', () => {
      const { stack } = setup({
        compute: ServiceCompute.newInstance({ vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC }, terminationProtection: false }),
      });
      Annotations.fromStack(stack).hasWarning('/TestStack/Api', Match.stringLikeRegexp('cdk-watchkeeper:ServiceCompute.publicSubnet'));
      Template.fromStack(stack).hasResourceProperties('AWS::EC2::Instance', { DisableApiTermination: false });
    });

    test('existing Auto Scaling group: nothing is created but the policy on its role and the dashboard', () => {
      const stack = newStack();
      const vpc = importedVpc(stack);
      const alertTopic = new AlertTopic(stack, 'Alerts', { emails: ['a@example.com'] });
      const group = new autoscaling.AutoScalingGroup(stack, 'Legacy', {
        vpc, instanceType: new ec2.InstanceType('t3.micro'), machineImage: ec2.MachineImage.latestAmazonLinux2023(),
      });
      const service = new MonitoredService(stack, 'Api', { alertTopic, compute: ServiceCompute.existingAutoScalingGroup(group) });
      expect(service.autoScalingGroup).toBe(group);
      expect(service.role).toBe(group.role);
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::AutoScaling::AutoScalingGroup', 1);
      template.resourceCountIs('AWS::EC2::LaunchTemplate', 0);
      template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
      template.hasResourceProperties('AWS::IAM::ManagedPolicy', { Roles: [{ Ref: Match.stringLikeRegexp('^LegacyInstanceRole') }] });
    });

    test('imported group without a role: warns that permissions cannot be granted', () => {
      const { stack, service } = setup({
        compute: ServiceCompute.existingAutoScalingGroup(autoscaling.AutoScalingGroup.fromAutoScalingGroupName(newStack(), 'G', 'legacy-asg')),
      });
      expect(service.role).toBeUndefined();
      Annotations.fromStack(stack).hasWarning('/TestStack/Api', Match.stringLikeRegexp('cdk-watchkeeper:MonitoredService.unknownRole'));
      Template.fromStack(stack).resourceCountIs('AWS::IAM::ManagedPolicy', 0);
    });

    test('existing instances with a role given: policy on that role, one agent target per instance', () => {
      const stack = newStack();
      const alertTopic = new AlertTopic(stack, 'Alerts', { emails: ['a@example.com'] });
      const role = iam.Role.fromRoleName(stack, 'Existing', 'legacy-role');
      const vpc = importedVpc(stack);
      const instances = [0, 1].map(n => new ec2.Instance(stack, `I${n}`, {
        vpc, instanceType: new ec2.InstanceType('t3.micro'), machineImage: ec2.MachineImage.latestAmazonLinux2023(),
      }));
      const service = new MonitoredService(stack, 'Legacy', { alertTopic, compute: ServiceCompute.existingInstances(instances, { role }) });
      expect(service.instances).toHaveLength(2);
      expect(service.agentTargets.map(t => t.dimensionValue)).toEqual(instances.map(i => i.instanceId));
      Template.fromStack(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', { Roles: ['legacy-role'] });
    });

    test('fails on an empty list of existing instances', () => {
      expect(() => setup({ compute: ServiceCompute.existingInstances([]) })).toThrow(/instances must be a list of at least one instance, got \[\]/);
    });
  });

  describe('dashboard, alarms and log groups', () => {
    test('creates a dashboard by default and registers alarms and log groups on it', () => {
      const { stack, service } = setup({ agentMetrics: new FakeAgentMetrics() });
      const alarm = service.alertTopic.topic.metric('NumberOfMessagesPublished').createAlarm(stack, 'A', { threshold: 1, evaluationPeriods: 1 });
      service.addAlarm(alarm);
      const group = new logs.LogGroup(stack, 'AppLogs', { logGroupName: 'app', retention: logs.RetentionDays.ONE_MONTH });
      service.addLogGroup(group);
      expect(service.alarms).toContain(alarm);
      expect(service.alarms).toHaveLength(service.alarmSets[0].alarms.length + 1);
      expect(service.logGroups).toEqual([group]);
      const body = new Capture();
      Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardBody: body });
      const text = JSON.stringify(body.asObject());
      expect(text).toContain('"type\\":\\"alarm\\"');
      expect(text).toMatch(/SOURCE '\$\{AppLogs[0-9A-F]+\}' \| fields/);
      expect(text).toContain('mem_used_percent');
    });

    test('alarms a group once per signal, not per instance, to the alert topic', () => {
      const { stack, service } = setup({ agentMetrics: new FakeAgentMetrics() });
      const template = Template.fromStack(stack);
      const metrics = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a: any) => a.Properties.MetricName);
      expect(metrics.sort()).toEqual([
        'CPUCreditBalance', 'CPUUtilization', 'NumberOfNotificationsFailed', 'StatusCheckFailed_AttachedEBS',
        'StatusCheckFailed_Instance', 'StatusCheckFailed_System', 'disk_used_percent', 'mem_used_percent', 'swap_used_percent',
        undefined, // in-service capacity: GroupInServiceInstances - GroupMinSize (metric math)
      ].sort());
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'mem_used_percent',
        Dimensions: [{ Name: 'AutoScalingGroupName', Value: { Ref: Match.stringLikeRegexp('ApiGroup') } }],
        AlarmActions: [{ Ref: Match.stringLikeRegexp('Alerts') }],
      });
      expect(service.alarmSets).toHaveLength(1);
    });

    test('alarms a single instance with EC2 recover, and lets presets be tuned or turned off', () => {
      const { stack } = setup({
        compute: ServiceCompute.newInstance(),
        alarms: { cpu: { thresholdPercent: 75 }, attachedEbsStatusCheck: { enabled: false }, alarmNamePrefix: 'worker' },
      });
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'StatusCheckFailed_System',
        AlarmActions: Match.arrayWith([{ 'Fn::Join': ['', Match.arrayWith([':automate:us-east-1:ec2:recover'])] }]),
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'CPUUtilization', Threshold: 75, AlarmName: 'worker-Cpu' });
      expect(Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a: any) => a.Properties.MetricName))
        .not.toContain('StatusCheckFailed_AttachedEBS');
    });

    test('alarm options take the alarm set options too: tags reach every preset alarm, and routing follows alertTopic', () => {
      const stack = newStack();
      const pager = new AlertTopic(stack, 'Pager', { smsNumbers: ['+14155550100'] });
      const { service } = setup({ alarms: { tags: { team: 'orders' }, alertTopic: pager } }, 'Api', stack);
      const template = Template.fromStack(stack);
      const cpu = Object.values(template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'CPUUtilization' } }))[0] as any;
      expect(cpu.Properties.Tags).toEqual(expect.arrayContaining([{ Key: 'team', Value: 'orders' }]));
      expect(cpu.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^Pager/) }]);
      expect(service.alarmSets).toHaveLength(1);
    });

    test('fails on recover or reboot for a service on an Auto Scaling group', () => {
      expect(() => setup({ alarms: { systemStatusCheck: { recover: true } } }))
        .toThrow(/Api\/Alarms: systemStatusCheck.recover must be false or unset for an Auto Scaling group/);
      expect(() => setup({ alarms: { instanceStatusCheck: { reboot: true } } }))
        .toThrow(/Api\/Alarms: instanceStatusCheck.reboot must be false or unset for an Auto Scaling group/);
    });

    test('alarms: { enabled: false } creates no preset', () => {
      const { stack, service } = setup({ alarms: { enabled: false } });
      expect(service.alarmSets).toEqual([]);
      // Only the alert topic's own failed-delivery alarm remains.
      Template.fromStack(stack).resourceCountIs('AWS::CloudWatch::Alarm', 1);
    });

    test('an agent that collects no memory gets a dashboard without a memory graph, and the disk graph it collects', () => {
      const { stack } = setup({
        compute: ServiceCompute.newInstance({ instanceType: new ec2.InstanceType('t3.micro') }),
        agent: new AgentConfig({ metrics: [AgentPlugin.cpu(), AgentPlugin.disk()] }),
        alarms: { memory: { enabled: false }, swap: { enabled: false } },
      });
      const body = JSON.stringify(Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard'));
      expect(body).not.toContain('mem_used_percent');
      expect(body).toContain('does not collect memory in use');
      expect(body).toContain('disk_used_percent');
    });

    test('with a logFormat, the dashboard\'s recent errors read the format\'s level field', () => {
      const { stack } = setup({ logFormat: JsonLogFormat.PYTHON_JSON_LOGGER, logGroups: [logs.LogGroup.fromLogGroupName(new Stack(), 'L', '/orders/app')] });
      const body = new Capture();
      Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardBody: body });
      const text = JSON.stringify(body.asObject());
      expect(text).toMatch(/levelname, message, method, route, path, status_code.{1,6}n\| filter tolower\(levelname\) in \[/);
      expect(text).not.toContain('@message like');
    });

    test('dashboard: false creates none', () => {
      const { stack, service } = setup({ dashboard: false });
      Template.fromStack(stack).resourceCountIs('AWS::CloudWatch::Dashboard', 0);
      expect(service.dashboard).toBeUndefined();
    });
  });

  describe('alarm names', () => {
    const alarmNames = (stack: Stack) => Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm'))
      .map((r: any) => r.Properties.AlarmName);

    test('names every alarm <stack name>-<service path>-<signal> by default', () => {
      const { stack } = setup();
      const names = alarmNames(stack).filter(n => n !== undefined && !String(n).startsWith('TestStack-Alerts'));
      expect(names).toEqual(expect.arrayContaining(['TestStack-Api-Cpu', 'TestStack-Api-SystemStatusCheck', 'TestStack-Api-InstanceStatusCheck']));
      // Only the topic's own delivery alarm is named by its AlarmSet, not by the service.
      const unnamed = Object.entries(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm'))
        .filter(([, r]: [string, any]) => r.Properties.AlarmName === undefined).map(([id]) => id);
      expect(unnamed.filter(id => id.startsWith('Api'))).toEqual([]);
    });

    test('keeps the names of a service nested in a construct apart by its path', () => {
      const stack = newStack();
      const vpc = importedVpc(stack);
      const alertTopic = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] });
      const team = new Construct(stack, 'Payments');
      new MonitoredService(team, 'Api', { vpc, alertTopic });
      new MonitoredService(stack, 'Api', { vpc, alertTopic });
      const names = alarmNames(stack).filter((n): n is string => typeof n === 'string');
      expect(names).toEqual(expect.arrayContaining(['TestStack-Payments-Api-Cpu', 'TestStack-Api-Cpu']));
      expect(new Set(names).size).toBe(names.length);
    });

    test('gives each instance of a service on several instances names of its own', () => {
      const stack = newStack();
      const vpc = importedVpc(stack);
      const alertTopic = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] });
      const instance = (id: string) => new ec2.Instance(stack, id, {
        vpc, instanceType: new ec2.InstanceType('t3.small'), machineImage: ec2.MachineImage.latestAmazonLinux2023(),
      });
      new MonitoredService(stack, 'Hosts', { alertTopic, compute: ServiceCompute.existingInstances([instance('Web1'), instance('Web2')]) });
      new MonitoredService(stack, 'Legacy', { alertTopic, alarms: { alarmNamePrefix: 'legacy' }, compute: ServiceCompute.existingInstances([instance('A'), instance('B')]) });
      const names = alarmNames(stack).filter((n): n is string => typeof n === 'string');
      expect(names).toEqual(expect.arrayContaining(['TestStack-Hosts-Web1-Cpu', 'TestStack-Hosts-Web2-Cpu', 'legacy-A-Cpu', 'legacy-B-Cpu']));
      expect(new Set(names).size).toBe(names.length);
    });

    test('shortens a default prefix past 200 characters and keeps it apart by a hash', () => {
      const stack = newStack('S'.repeat(128));
      const vpc = importedVpc(stack);
      const alertTopic = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] });
      new MonitoredService(stack, 'A'.repeat(100), { vpc, alertTopic });
      new MonitoredService(stack, `${'A'.repeat(99)}B`, { vpc, alertTopic });
      const cpu = alarmNames(stack).filter((n): n is string => typeof n === 'string' && n.endsWith('-Cpu'));
      expect(cpu).toHaveLength(2);
      for (const name of cpu) expect(name.length).toBeLessThanOrEqual(200 + '-Cpu'.length);
      expect(new Set(cpu).size).toBe(2);
    });

    test('leaves the names to CloudFormation with generatedAlarmNames', () => {
      const { stack } = setup({ alarms: { generatedAlarmNames: true } });
      const named = Object.entries(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm'))
        .filter(([id, r]: [string, any]) => id.startsWith('Api') && r.Properties.AlarmName !== undefined);
      expect(named).toEqual([]);
    });

    test('fails with both generatedAlarmNames and alarmNamePrefix', () => {
      expect(() => setup({ alarms: { generatedAlarmNames: true, alarmNamePrefix: 'api' } }))
        .toThrow(/TestStack\/Api: alarms.alarmNamePrefix must be left out when alarms.generatedAlarmNames is true/);
    });
  });

  test('passes the nag packs in its default configuration', () => {
    const { stack } = setup();
    expectNagClean(stack);
  });

  test('passes the nag packs fully configured: group with agent, scaling and logs, plus an instance', () => {
    const stack = newStack();
    const vpc = importedVpc(stack);
    const key = new kms.Key(stack, 'TopicKey', { enableKeyRotation: true });
    const alertTopic = new AlertTopic(stack, 'Alerts', { emails: ['a@example.com'], encryptionKey: key });
    const agentMetrics = new FakeAgentMetrics(['/', '/data']);
    const api = new MonitoredService(stack, 'Api', {
      vpc,
      alertTopic,
      agentMetrics,
      serviceName: 'orders-api',
      dashboardName: 'orders-api',
      compute: ServiceCompute.newAutoScalingGroup({ minCapacity: 2, maxCapacity: 6, instanceType: new ec2.InstanceType('m7i.large') }),
    });
    api.scaleOnCpuUtilization('CpuScaling', { targetUtilizationPercent: 50 });
    api.scaleOnMemoryUtilization('MemoryScaling', { targetUtilizationPercent: 70 });
    api.scaleOnBusinessHours('BusinessHours', { timeZone: 'Europe/Berlin', duringHours: { minCapacity: 2 }, outsideHours: { minCapacity: 1 } });
    new MonitoredService(stack, 'Worker', { vpc, alertTopic, agentMetrics, compute: ServiceCompute.newInstance(), eventNotifications: true });
    expectNagClean(stack);
  });

  test('nag gate reports a plain instance (negative control)', () => {
    const stack = newStack();
    new ec2.Instance(stack, 'Plain', {
      vpc: importedVpc(stack), instanceType: new ec2.InstanceType('t3.micro'), machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    });
    expect(nagFindings(stack)).toEqual(expect.arrayContaining([
      'AwsSolutions-EC26 at TestStack/Plain/Resource',
      'AwsSolutions-EC28 at TestStack/Plain/Resource',
      'NIST.800.53.R5-EC2IMDSv2Enabled at TestStack/Plain/Resource',
    ]));
  });

  test('matches the golden snapshot of the default service', () => {
    const { stack } = setup();
    expect(stableTemplate(stack)).toMatchSnapshot();
  });

  test('warns when the topic key cannot be extended for Auto Scaling notifications', () => {
    const stack = newStack();
    const topic = sns.Topic.fromTopicArn(stack, 'T', 'arn:aws:sns:us-east-1:123456789012:ops');
    const encryptionKey = kms.Key.fromKeyArn(stack, 'K', 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    const alertTopic = AlertTopic.fromTopic(stack, 'Imported', { topic, encryptionKey });
    new MonitoredService(stack, 'Api', { vpc: importedVpc(stack), alertTopic });
    Annotations.fromStack(stack).hasWarning('/TestStack/Api', Match.stringLikeRegexp('AWSServiceRoleForAutoScaling.*cdk-watchkeeper:MonitoredService.topicKey'));
  });

  describe('event notifications', () => {
    test('are off by default', () => {
      const { stack, service } = setup();
      expect(service.eventNotifications).toBeUndefined();
      Template.fromStack(stack).resourceCountIs('AWS::Events::Rule', 0);
    });

    test('add no rule for a group the service creates: its group notifications already reach the topic', () => {
      const { stack, service } = setup({ eventNotifications: true });
      expect(service.eventNotifications).toBeUndefined();
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::Events::Rule', 0);
      template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
        NotificationConfigurations: [Match.objectLike({ NotificationTypes: Match.arrayWith(['autoscaling:EC2_INSTANCE_LAUNCH_ERROR']) })],
      });
    });

    test('notify failed launches and terminations of an existing group, and nothing account-wide', () => {
      const stack = newStack();
      const vpc = importedVpc(stack);
      const alertTopic = new AlertTopic(stack, 'Alerts', { emails: ['a@example.com'] });
      const group = new autoscaling.AutoScalingGroup(stack, 'Legacy', {
        vpc, instanceType: new ec2.InstanceType('t3.micro'), machineImage: ec2.MachineImage.latestAmazonLinux2023(),
      });
      const service = new MonitoredService(stack, 'Api', {
        alertTopic, compute: ServiceCompute.existingAutoScalingGroup(group), eventNotifications: true,
      });
      expect(service.eventNotifications?.autoScalingFailureRule).toBeDefined();
      expect(service.eventNotifications?.instanceStateRule).toBeUndefined();
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::Events::Rule', 1);
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: {
          'source': ['aws.autoscaling'],
          'detail-type': ['EC2 Instance Launch Unsuccessful', 'EC2 Instance Terminate Unsuccessful'],
          'detail': { AutoScalingGroupName: [{ Ref: Match.stringLikeRegexp('^LegacyASG') }] },
        },
        Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('^Alerts') } })],
      });
    });

    test('notify state changes of single instances', () => {
      const { stack } = setup({ compute: ServiceCompute.newInstance(), eventNotifications: true }, 'Worker');
      Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', {
        EventPattern: {
          source: ['aws.ec2'],
          detail: { 'instance-id': [{ Ref: Match.stringLikeRegexp('^WorkerInstance') }], 'state': ['stopped', 'terminated'] },
        },
      });
    });

    test('an instance idle shutdown stops on purpose notifies only when terminated, so planned stops page nobody', () => {
      const stack = newStack();
      const alertTopic = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] });
      const idleShutdown = new IdleShutdown(stack, 'IdleShutdown', { alertTopic });
      const service = new MonitoredService(stack, 'Worker', {
        vpc: importedVpc(stack), alertTopic, compute: ServiceCompute.newInstance(), eventNotifications: true, idleShutdown,
      });
      expect(service.eventNotifications?.instanceStateRule).toBeUndefined();
      const ec2Rules = Object.values(Template.fromStack(stack).findResources('AWS::Events::Rule'))
        .map(r => r.Properties.EventPattern)
        .filter(p => p?.['detail-type']?.includes('EC2 Instance State-change Notification') && p.detail['instance-id']);
      expect(ec2Rules).toEqual([{
        'source': ['aws.ec2'],
        'detail-type': ['EC2 Instance State-change Notification'],
        'detail': { 'instance-id': [{ Ref: expect.stringMatching(/^WorkerInstance/) }], 'state': ['terminated'] },
      }]);
    });
  });

  describe('stack budget', () => {
    const fill = (stack: Stack, count: number) => {
      for (let i = 0; i < count; i++) new CfnWaitConditionHandle(stack, `Filler${i}`);
    };

    test('warns when the stack holding the service nears CloudFormation\'s 500 resources', () => {
      const { stack } = setup();
      fill(stack, 400);
      Annotations.fromStack(stack).hasWarning('/TestStack', Match.stringLikeRegexp('of CloudFormation\'s 500 resources per stack.*cdk-watchkeeper:StackBudget.resources'));
    });

    test('fails the synth when the stack holding the service exceeds 500 resources', () => {
      const { stack } = setup();
      fill(stack, 500);
      expect(() => Template.fromStack(stack)).toThrow(/TestStack has \d+ resources; CloudFormation accepts at most 500/);
    });
  });
});

describe('MonitoredService as CDK users expect it', () => {
  test('is IConnectable: connections always exist, even for instances it did not create', () => {
    const { service } = setup();
    const connectable: ec2.IConnectable = service;
    expect(connectable.connections.securityGroups).toHaveLength(1);
    const stack = newStack();
    const alertTopic = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] });
    const group = autoscaling.AutoScalingGroup.fromAutoScalingGroupName(stack, 'LegacyGroup', 'legacy-asg');
    const legacy = new MonitoredService(stack, 'Legacy', { alertTopic, compute: ServiceCompute.existingAutoScalingGroup(group) });
    expect(legacy.connections.securityGroups).toEqual([]);
  });

  test('offers its main signals as metrics: the group aggregate, or the instance', () => {
    const { service } = setup({ agentMetrics: new FakeAgentMetrics() });
    const cpu = service.metricCpuUtilization() as any;
    expect(cpu.namespace).toBe('AWS/EC2');
    expect(Object.keys(cpu.dimensions)).toEqual(['AutoScalingGroupName']);
    expect(cpu.statistic).toBe('Average');
    expect((service.metricStatusCheckFailed() as any).statistic).toBe('Maximum');
    expect((service.metricMemUsedPercent() as any).metricName).toBeDefined();
    const single = setup({ compute: ServiceCompute.newInstance() }, 'Worker').service;
    expect(Object.keys((single.metricCpuUtilization() as any).dimensions)).toEqual(['InstanceId']);
    expect(() => single.metricMemUsedPercent()).toThrow(/metricMemUsedPercent must be called on a service with an agent/);
  });

  test('grantReadTelemetry grants a managed policy on its dashboard, alarms and log groups', () => {
    const { stack, service } = setup();
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    const grant = service.grantReadTelemetry(role);
    expect(grant.success).toBe(true);
    const statements = managedPolicyStatements(Template.fromStack(stack));
    expect(statements).toEqual(expect.arrayContaining([
      expect.objectContaining({ Action: 'cloudwatch:GetDashboard' }),
      expect.objectContaining({ Action: ['cloudwatch:DescribeAlarms', 'cloudwatch:DescribeAlarmHistory'] }),
    ]));
    expectNagClean(stack);
  });
});
