import { App, Duration, Stack, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AgentConfig, AgentLogFileProps, AgentOs, AgentPlugin, CloudWatchAgent, MonitoredService, ServiceCompute } from '../../src';
import { WatchkeeperValidationError } from '../../src/private/validation';
import { expectNagClean, importedVpc, newAlertTopic, newStack, TEST_ENV } from '../helpers';

type Json = any;

const WINDOWS_IMAGE = () => ec2.MachineImage.latestWindows(ec2.WindowsVersion.WINDOWS_SERVER_2022_ENGLISH_FULL_BASE);

/** One stack with a group service and an instance service, both running the agent of `os`. */
function services(os: AgentOs, config: () => AgentConfig) {
  const stack = newStack();
  const alertTopic = newAlertTopic(stack);
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
  test('runs the stack\'s configure document with the agent parameter on exactly the service\'s instances', () => {
    const { stack, api, worker, template } = services(AgentOs.LINUX, () => new AgentConfig());
    const associations = ofType(template, 'AWS::SSM::Association');
    expect(Object.keys(associations)).toHaveLength(2);
    // One document per stack serves both agents.
    const documents = Object.keys(ofType(template, 'AWS::SSM::Document'));
    expect(documents).toHaveLength(1);
    const ref = (c: Json) => stack.resolve(c);
    const parameters = (agent: CloudWatchAgent) => ({ configurationParameter: [ref(agent.parameter.parameterName)] });
    const [group] = api.agent!.associations;
    const [instance] = worker.agent!.associations;
    expect(api.agent!.associations).toHaveLength(1);
    expect(worker.agent!.associations).toHaveLength(1);
    expect(associations[stack.getLogicalId(group)]).toEqual({
      Name: { Ref: documents[0] },
      // The configuration's hash: a new configuration updates the association, which runs it at once.
      AssociationName: expect.stringMatching(new RegExp(`^TestStack-Api-Agent-GroupRollout-[0-9A-F]{8}-${api.agent!.configHash}$`)),
      Parameters: parameters(api.agent!),
      // Auto Scaling puts this tag on every member from launch, old and new.
      Targets: [{ Key: 'tag:aws:autoscaling:groupName', Values: [ref(api.autoScalingGroup!.autoScalingGroupName)] }],
      ScheduleExpression: 'rate(1 day)',
    });
    expect(associations[stack.getLogicalId(instance)]).toMatchObject({
      Name: { Ref: documents[0] },
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
      .toThrow(/configurationRefresh must be whole minutes, at least 30 minutes and less than 31 days \(State Manager's rate expressions for associations\), got '10 minutes'/);
  });

  // "Associations support the following rate expressions: intervals of 30 minutes or greater and less than 31 days."
  // https://docs.aws.amazon.com/systems-manager/latest/userguide/reference-cron-and-rate-expressions.html#reference-cron-and-rate-expressions-association
  for (const refresh of [Duration.days(31), Duration.days(366), Duration.minutes(31 * 24 * 60 + 30)]) {
    test(`fails on a refresh of ${refresh.toHumanString()}, which State Manager's rate expressions do not take`, () => {
      const build = () => new CloudWatchAgent(newStack(), 'Agent', { config: new AgentConfig(), configurationRefresh: refresh });
      expect(build).toThrow(WatchkeeperValidationError);
      expect(build).toThrow(/configurationRefresh must be whole minutes, at least 30 minutes and less than 31 days/);
    });
  }

  test('takes the longest refresh State Manager does, just under 31 days', () => {
    const stack = newStack();
    const agent = new CloudWatchAgent(stack, 'Agent', { config: new AgentConfig(), configurationRefresh: Duration.minutes(31 * 24 * 60 - 1) });
    agent.rollOutToInstance({ instanceId: 'i-0123456789abcdef0' } as Json as ec2.IInstance);
    const [association] = Object.values(ofType(Template.fromStack(stack).toJSON(), 'AWS::SSM::Association'));
    expect(association.ScheduleExpression).toBe('rate(44639 minutes)');
    expect(() => new CloudWatchAgent(newStack(), 'Agent', { config: new AgentConfig(), configurationRefresh: Duration.days(30) })).not.toThrow();
  });

  test('fails when one association would target more than 50 instances', () => {
    const stack = newStack();
    const agent = new CloudWatchAgent(stack, 'Agent', { config: new AgentConfig() });
    // Only the id is read.
    for (let i = 0; i < 51; i++) agent.rollOutToInstance({ instanceId: `i-0123456789abcd${String(i).padStart(3, '0')}` } as Json as ec2.IInstance);
    expect(() => Template.fromStack(stack)).toThrow(/InstanceIds targets must be at most 50 per association \(State Manager's limit\), got 51/);
  });
});

describe('Agent rollout ordering', () => {
  /** DependsOn of a resource, as a list. */
  const dependsOn = (template: Json, id: string): string[] => [].concat(template.Resources[id].DependsOn ?? []);

  test('instances, groups and associations wait for the policies and log groups the agent on them uses', () => {
    const { stack, api, worker, template } = services(AgentOs.LINUX, () => new AgentConfig({ logFiles: [LOG(AgentOs.LINUX)] }));
    const idOf = (c: Json) => stack.getLogicalId(c.node.defaultChild ?? c);
    const rollout = Object.keys(ofType(template, 'AWS::IAM::ManagedPolicy')).filter(id => id.startsWith('WatchkeeperAgentRolloutPolicy'));
    expect(rollout).toHaveLength(1);
    const cases: Array<[string, string, CloudWatchAgent]> = [
      ['the group', idOf(api.autoScalingGroup), api.agent!],
      ['the instance', idOf(worker.instances[0]), worker.agent!],
      ...api.agent!.associations.map(a => ['the group association', stack.getLogicalId(a), api.agent!] as [string, string, CloudWatchAgent]),
      ...worker.agent!.associations.map(a => ['the instance association', stack.getLogicalId(a), worker.agent!] as [string, string, CloudWatchAgent]),
    ];
    expect(cases).toHaveLength(4);
    for (const [what, id, agent] of cases) {
      const uses = [idOf(agent.policy), rollout[0], ...agent.logGroups.map(g => idOf(g))];
      expect(agent.logGroups.length).toBeGreaterThan(0);
      expect({ what, dependsOn: dependsOn(template, id) }).toEqual({ what, dependsOn: expect.arrayContaining(uses) });
    }
  });

  test('an instance given to installOnInstance waits for its policies; its role, which the policies name, does not', () => {
    const stack = newStack();
    const agent = new CloudWatchAgent(stack, 'Agent', { config: new AgentConfig() });
    const instance = new ec2.Instance(stack, 'Instance', {
      vpc: importedVpc(stack), instanceType: new ec2.InstanceType('t3.small'), machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    });
    agent.installOnInstance(instance);
    const template = Template.fromStack(stack).toJSON();
    const policy = stack.getLogicalId(agent.policy.node.defaultChild as Json);
    expect(dependsOn(template, stack.getLogicalId(instance.node.defaultChild as Json))).toContain(policy);
    expect(dependsOn(template, stack.getLogicalId(instance.role.node.defaultChild as Json))).not.toContain(policy);
  });
});

describe('Agent rollout across stacks', () => {
  test('an agent of one stack rolls out to an instance of another without a dependency cycle', () => {
    const app = new App();
    const compute = new Stack(app, 'Compute', { env: TEST_ENV });
    const monitoring = new Stack(app, 'Monitoring', { env: TEST_ENV });
    const instance = new ec2.Instance(compute, 'Instance', {
      vpc: importedVpc(compute), instanceType: new ec2.InstanceType('t3.small'), machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    });
    const agent = new CloudWatchAgent(monitoring, 'Agent', { config: new AgentConfig() });
    agent.rollOutToInstance(instance);
    expect(() => app.synth()).not.toThrow();
    expect(monitoring.dependencies).toEqual([compute]);
    expect(compute.dependencies).toEqual([]);
  });
});

describe('Agent rollout permissions', () => {
  /** The stack's State Manager policy, and an ARN of this account and Region as the template writes it. */
  function rolloutPolicy() {
    const built = services(AgentOs.LINUX, () => new AgentConfig());
    const rollout = Object.entries(ofType(built.template, 'AWS::IAM::ManagedPolicy')).filter(([id]) => id.startsWith('WatchkeeperAgentRolloutPolicy'));
    expect(rollout).toHaveLength(1);
    const statements: Json[] = rollout[0][1].PolicyDocument.Statement;
    const granting = (action: string) => statements.filter(st => ([] as string[]).concat(st.Action).includes(action));
    return { ...built, policy: rollout[0][1], statements, granting };
  }
  const arn = (service: string, resource: string, account = '123456789012') =>
    ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:${service}:us-east-1:${account}:${resource}`]] });

  test('the instance role gets what SSM Agent needs for State Manager, scoped, and no AWS managed policy', () => {
    const { stack, api, worker, template, policy } = rolloutPolicy();
    // One policy per stack, attached to both services' roles.
    expect(policy.Roles).toEqual([api.role, worker.role].map(r => ({ Ref: stack.getLogicalId(r!.node.defaultChild as Json) })));
    const [document] = Object.keys(ofType(template, 'AWS::SSM::Document'));
    expect(policy.PolicyDocument.Statement).toEqual([
      {
        Sid: 'InstanceAssociations',
        Effect: 'Allow',
        Action: ['ssm:UpdateInstanceInformation', 'ssm:ListInstanceAssociations', 'ssm:PutComplianceItems'],
        Resource: arn('ec2', 'instance/*'),
      },
      {
        Sid: 'ReportAssociationRuns',
        Effect: 'Allow',
        Action: 'ssm:UpdateInstanceAssociationStatus',
        Resource: [arn('ssm', 'association/*'), arn('ec2', 'instance/*')],
      },
      {
        Sid: 'ReadConfigureDocument',
        Effect: 'Allow',
        Action: 'ssm:GetDocument',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:us-east-1:123456789012:document/', { Ref: document }]] },
      },
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

  // The Service Authorization Reference lists `association` as the required resource type of
  // ssm:UpdateInstanceAssociationStatus (the instance is optional): on instance/* alone SSM
  // Agent cannot record a run, and re-runs the association at its next poll.
  test('lets SSM Agent report association runs: UpdateInstanceAssociationStatus on this account and Region\'s associations', () => {
    const { granting } = rolloutPolicy();
    const resources = granting('ssm:UpdateInstanceAssociationStatus').flatMap(st => [].concat(st.Resource));
    expect(resources).toContainEqual(arn('ssm', 'association/*'));
    expect(resources).toContainEqual(arn('ec2', 'instance/*'));
  });

  // SSM Agent calls PutComplianceItems (ResourceType ManagedInstance, its instance id) after
  // each association run: amazon-ssm-agent, agent/association/compliance/uploader/uploader.go.
  test('lets SSM Agent record association compliance: PutComplianceItems on this account and Region\'s instances only', () => {
    const { granting } = rolloutPolicy();
    const grants = granting('ssm:PutComplianceItems');
    expect(grants).toHaveLength(1);
    expect(grants[0].Resource).toEqual(arn('ec2', 'instance/*'));
  });

  // SSM Agent lists associations with ListInstanceAssociations and reads the document with
  // GetDocument; it calls DescribeAssociation only on the legacy path when ListInstanceAssociations
  // fails, and DescribeDocument never (amazon-ssm-agent, agent/association/service/service.go).
  test('grants neither DescribeAssociation nor DescribeDocument, which SSM Agent does not call for associations', () => {
    const { granting } = rolloutPolicy();
    expect(granting('ssm:DescribeAssociation')).toEqual([]);
    expect(granting('ssm:DescribeDocument')).toEqual([]);
  });

  test('passes the nag packs with a group and an instance on Linux and Windows', () => {
    expectNagClean(services(AgentOs.LINUX, () => new AgentConfig()).stack);
    expectNagClean(services(AgentOs.WINDOWS, () => new AgentConfig({ os: AgentOs.WINDOWS })).stack);
  });
});
