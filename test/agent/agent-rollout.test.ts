import { Duration, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AgentConfig, AgentLogFileProps, AgentOs, AgentPlugin, AlertTopic, CloudWatchAgent, MonitoredService, ServiceCompute } from '../../src';
import { expectNagClean, newStack } from '../helpers';
import { importedVpc } from '../service/fake-agent-metrics';

type Json = any;

const WINDOWS_IMAGE = () => ec2.MachineImage.latestWindows(ec2.WindowsVersion.WINDOWS_SERVER_2022_ENGLISH_FULL_BASE);

/** One stack with a group service and an instance service, both running the agent of `os`. */
function services(os: AgentOs, config: () => AgentConfig) {
  const stack = newStack();
  const alertTopic = new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] });
  const windows = os === AgentOs.WINDOWS;
  const vpc = importedVpc(stack);
  const image = windows ? { machineImage: WINDOWS_IMAGE(), rootDeviceName: '/dev/sda1', rootVolumeSize: undefined } : {};
  const api = new MonitoredService(stack, 'Api', {
    vpc,
    alertTopic,
    agent: config(),
    compute: ServiceCompute.newAutoScalingGroup({ ...image, userData: windows ? ec2.UserData.forWindows() : undefined }),
  });
  const worker = new MonitoredService(stack, 'Worker', {
    vpc,
    alertTopic,
    agent: config(),
    compute: ServiceCompute.newInstance({ ...image, userData: windows ? ec2.UserData.forWindows() : ec2.UserData.forLinux() }),
  });
  return { stack, api, worker, template: Template.fromStack(stack).toJSON() };
}

function ofType(template: Json, type: string): Record<string, Json> {
  return Object.fromEntries(Object.entries<Json>(template.Resources).filter(([, r]) => r.Type === type).map(([id, r]) => [id, r.Properties]));
}

const LOG = (os: AgentOs): AgentLogFileProps => os === AgentOs.WINDOWS
  ? { filePath: 'C:\\orders\\logs\\app.log', logGroupName: '/orders/app' }
  : { filePath: '/var/log/orders/app.log', logGroupName: '/orders/app' };

describe('Agent configuration rollout', () => {
  test('runs AmazonCloudWatch-ManageAgent configure from the agent parameter on exactly the service\'s instances', () => {
    const { stack, api, worker, template } = services(AgentOs.LINUX, () => new AgentConfig());
    const associations = ofType(template, 'AWS::SSM::Association');
    expect(Object.keys(associations)).toHaveLength(2);
    const ref = (c: Json) => stack.resolve(c);
    const parameters = (agent: CloudWatchAgent) => ({
      action: ['configure'],
      mode: ['ec2'],
      optionalConfigurationSource: ['ssm'],
      optionalConfigurationLocation: [ref(agent.parameter.parameterName)],
      optionalRestart: ['yes'],
    });
    const [group] = api.agent!.associations;
    const [instance] = worker.agent!.associations;
    expect(api.agent!.associations).toHaveLength(1);
    expect(worker.agent!.associations).toHaveLength(1);
    expect(associations[stack.getLogicalId(group)]).toEqual({
      Name: 'AmazonCloudWatch-ManageAgent',
      // The configuration's hash: a new configuration updates the association, which runs it at once.
      AssociationName: expect.stringMatching(new RegExp(`^TestStack-Api-Agent-GroupRollout-[0-9A-F]{8}-${api.agent!.configHash}$`)),
      Parameters: parameters(api.agent!),
      // Auto Scaling puts this tag on every member from launch, old and new.
      Targets: [{ Key: 'tag:aws:autoscaling:groupName', Values: [ref(api.autoScalingGroup!.autoScalingGroupName)] }],
      ScheduleExpression: 'rate(1 day)',
    });
    expect(associations[stack.getLogicalId(instance)]).toMatchObject({
      Name: 'AmazonCloudWatch-ManageAgent',
      Parameters: parameters(worker.agent!),
      Targets: [{ Key: 'InstanceIds', Values: [ref(worker.instances[0].instanceId)] }],
    });
    expect(associations[stack.getLogicalId(instance)].AssociationName).toMatch(new RegExp(`^TestStack-Worker-Agent-InstanceRollout-[0-9A-F]{8}-${worker.agent!.configHash}$`));
    // Runs at once on creation and update: ApplyOnlyAtCronInterval stays unset (false).
    for (const a of Object.values(associations)) expect(a.ApplyOnlyAtCronInterval).toBeUndefined();
  });

  for (const os of [AgentOs.LINUX, AgentOs.WINDOWS]) {
    test(`a ${os} configuration change restarts and replaces nothing: instances, launch templates and groups stay, the associations change`, () => {
      const before = services(os, () => new AgentConfig({ os }));
      const after = services(os, () => new AgentConfig({
        os,
        additionalMetrics: [os === AgentOs.WINDOWS ? AgentPlugin.windowsProcessor() : AgentPlugin.cpu()],
        logFiles: [LOG(os)],
      }));
      for (const type of ['AWS::EC2::Instance', 'AWS::EC2::LaunchTemplate', 'AWS::AutoScaling::AutoScalingGroup']) {
        const a = ofType(before.template, type);
        expect(Object.keys(a).length).toBeGreaterThan(0);
        // UserData, ImageId, InstanceType, the launch template data and version: all the same.
        expect(ofType(after.template, type)).toEqual(a);
      }
      const names = (t: Json) => Object.values(ofType(t, 'AWS::SSM::Association')).map(a => a.AssociationName).sort();
      const [beforeNames, afterNames] = [names(before.template), names(after.template)];
      expect(beforeNames).toHaveLength(2);
      expect(afterNames).toHaveLength(2);
      beforeNames.forEach((name, i) => expect(afterNames[i]).not.toEqual(name));
      const values = (t: Json) => Object.values(ofType(t, 'AWS::SSM::Parameter')).map(p => p.Value);
      expect(values(after.template)).not.toEqual(values(before.template));
    });
  }

  test('an agent installed on two instances covers them with one association on the refresh asked for; its user data names no hash', () => {
    const stack = newStack();
    const agent = new CloudWatchAgent(stack, 'Agent', { config: new AgentConfig(), configurationRefresh: Duration.hours(6) });
    const vpc = importedVpc(stack);
    const instances = [0, 1].map(i => new ec2.Instance(stack, `Instance${i}`, {
      vpc, instanceType: new ec2.InstanceType('t3.small'), machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    }));
    instances.forEach(i => agent.installOnInstance(i));
    const associations = Object.values(ofType(Template.fromStack(stack).toJSON(), 'AWS::SSM::Association'));
    expect(associations).toHaveLength(1);
    expect(associations[0].Targets).toEqual([{ Key: 'InstanceIds', Values: instances.map(i => stack.resolve(i.instanceId)) }]);
    expect(associations[0].ScheduleExpression).toBe('rate(6 hours)');
    expect(agent.userDataCommands().join('\n')).not.toContain(agent.configHash);
  });

  test('fails on a refresh more often than every 30 minutes', () => {
    expect(() => new CloudWatchAgent(newStack(), 'Agent', { config: new AgentConfig(), configurationRefresh: Duration.minutes(10) }))
      .toThrow(/configurationRefresh \(minutes\) must be a whole number between 30 and \d+, got 10/);
  });

  test('fails when one association would target more than 50 instances', () => {
    const stack = newStack();
    const agent = new CloudWatchAgent(stack, 'Agent', { config: new AgentConfig() });
    // Only the id is read.
    for (let i = 0; i < 51; i++) agent.rollOutToInstance({ instanceId: `i-0123456789abcd${String(i).padStart(3, '0')}` } as Json as ec2.IInstance);
    expect(() => Template.fromStack(stack)).toThrow(/InstanceIds targets must be at most 50 per association \(State Manager's limit\), got 51/);
  });
});

describe('Agent rollout permissions', () => {
  test('the instance role gets what SSM Agent needs for State Manager, scoped, and no AWS managed policy', () => {
    const { stack, api, worker, template } = services(AgentOs.LINUX, () => new AgentConfig());
    const policies = ofType(template, 'AWS::IAM::ManagedPolicy');
    const rollout = Object.entries(policies).filter(([id]) => id.startsWith('WatchkeeperAgentRolloutPolicy'));
    expect(rollout).toHaveLength(1);
    const [, policy] = rollout[0];
    // One policy per stack, attached to both services' roles.
    expect(policy.Roles).toEqual([api.role, worker.role].map(r => ({ Ref: stack.getLogicalId(r!.node.defaultChild as Json) })));
    const arn = (service: string, resource: string, account = '123456789012') =>
      ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:${service}:us-east-1:${account}:${resource}`]] });
    expect(policy.PolicyDocument.Statement).toEqual([
      {
        Sid: 'InstanceAssociations',
        Effect: 'Allow',
        Action: ['ssm:UpdateInstanceInformation', 'ssm:ListInstanceAssociations', 'ssm:UpdateInstanceAssociationStatus'],
        Resource: arn('ec2', 'instance/*'),
      },
      { Sid: 'DescribeAssociations', Effect: 'Allow', Action: 'ssm:DescribeAssociation', Resource: arn('ssm', 'association/*') },
      { Sid: 'ReadAgentDocument', Effect: 'Allow', Action: ['ssm:GetDocument', 'ssm:DescribeDocument'], Resource: arn('ssm', 'document/AmazonCloudWatch-ManageAgent', '') },
      {
        Sid: 'ReceiveCommands',
        Effect: 'Allow',
        Action: ['ec2messages:AcknowledgeMessage', 'ec2messages:DeleteMessage', 'ec2messages:FailMessage',
          'ec2messages:GetEndpoint', 'ec2messages:GetMessages', 'ec2messages:SendReply'],
        Resource: '*',
      },
    ]);
    // The only statement on Resource * holds actions without a resource type.
    expect(JSON.stringify(policy.PolicyDocument)).not.toContain('ssm:ListAssociations');
    for (const role of Object.values(ofType(template, 'AWS::IAM::Role'))) {
      expect(JSON.stringify(role.ManagedPolicyArns ?? [])).not.toContain('AmazonSSMManagedInstanceCore');
    }
  });

  test('passes the nag packs with a group and an instance on Linux and Windows', () => {
    expectNagClean(services(AgentOs.LINUX, () => new AgentConfig()).stack);
    expectNagClean(services(AgentOs.WINDOWS, () => new AgentConfig({ os: AgentOs.WINDOWS })).stack);
  });
});
