import { readFileSync, readdirSync } from 'fs';
import * as path from 'path';
import { App, Stack, aws_autoscaling as autoscaling, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { ProofExampleStack } from './example-app';
import { NAME_PROPERTIES, collisions, literalName, physicalNames } from './physical-names';
import { TemplateModel } from './template-model';
import { AgentConfig, AgentPlugin, MonitoredService, ServiceCompute } from '../../src';

/** Names the example's author chose (string literals in examples/*.ts): copies of a stack share those by design. */
function userChosenNames(): string[] {
  const dir = path.join(__dirname, '../../examples');
  return readdirSync(dir).filter(f => f.endsWith('.ts'))
    .flatMap(f => [...readFileSync(path.join(dir, f), 'utf8').matchAll(/'([^'\s]{6,})'/g)].map(m => m[1]));
}

/** Two copies of the example in one account and Region; the first also runs two services of every compute kind on one AgentConfig. */
function buildApp(): TemplateModel[] {
  const app = new App();
  const first = new ProofExampleStack(app, 'WatchkeeperExample');
  new ProofExampleStack(app, 'WatchkeeperExampleCopy');
  const vpc = first.node.findChild('Vpc') as ec2.Vpc;
  const alertTopic = (first.node.findChild('Alerts') as any);
  const shared = new AgentConfig({
    additionalMetrics: [AgentPlugin.cpu()],
    logFiles: [{ filePath: '/var/log/shared/app.log', logGroupName: '/proof/shared/app' }],
  });
  const kinds: Record<string, (i: number) => ServiceCompute> = {
    NewGroup: () => ServiceCompute.newAutoScalingGroup(),
    NewInstance: () => ServiceCompute.newInstance(),
    ExistingGroup: i => ServiceCompute.existingAutoScalingGroup(new autoscaling.AutoScalingGroup(first, `OwnGroup${i}`, {
      vpc, instanceType: new ec2.InstanceType('t3.small'), machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    })),
    ExistingInstance: i => ServiceCompute.existingInstances([new ec2.Instance(first, `OwnInstance${i}`, {
      vpc, instanceType: new ec2.InstanceType('t3.small'), machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    })]),
  };
  for (const [kind, compute] of Object.entries(kinds)) {
    for (const i of [1, 2]) {
      new MonitoredService(first, `${kind}${i}`, { vpc, alertTopic, agent: shared, compute: compute(i) });
    }
  }
  const assembly = app.synth();
  return ['WatchkeeperExample', 'WatchkeeperExampleCopy'].map(n => new TemplateModel(assembly.getStackByName(n).template, n));
}

const isLaunchTemplate = (c: string) => c.startsWith('launch template "InstanceLaunchTemplate"');
const isSharedAgentLogGroup = (c: string) => c.startsWith('log group "/proof/shared/');

describe('Physical names in one account and Region', () => {
  let models: TemplateModel[];
  let found: string[];
  let userChosen: string[];
  beforeAll(() => {
    models = buildApp();
    userChosen = userChosenNames();
    // Copies of a stack share the names its author fixed; everything the library names must differ.
    found = collisions(physicalNames(models)).filter(c => !userChosen.some(u => c.split('"')[1].startsWith(u)));
  }, 120_000);

  test('covers every named resource type the stacks hold', () => {
    const types = new Set(models.flatMap(m => Object.values<any>(m.resources).map(r => r.Type)));
    for (const t of ['AWS::Logs::LogGroup', 'AWS::EC2::LaunchTemplate', 'AWS::CloudWatch::Alarm', 'AWS::SSM::Parameter',
      'AWS::CloudWatch::Dashboard', 'AWS::SNS::Topic', 'AWS::Scheduler::Schedule', 'AWS::Events::Rule', 'AWS::IAM::Role',
      'AWS::IAM::ManagedPolicy', 'AWS::Lambda::Function', 'AWS::CloudTrail::Trail', 'AWS::S3::Bucket']) {
      expect(types.has(t) && NAME_PROPERTIES[t] !== undefined).toBe(true);
    }
    expect(physicalNames(models).length).toBeGreaterThan(0);
  });

  test('no two resources share a physical name the library chose', () => {
    expect(found.filter(c => !isLaunchTemplate(c) && !isSharedAgentLogGroup(c))).toEqual([]);
  });

  // `requireImdsv2` would give the instance's launch template the fixed name
  // InstanceLaunchTemplate, so a second instance would fail to deploy.
  test('no two instances share the launch template name InstanceLaunchTemplate', () => {
    expect(found.filter(isLaunchTemplate)).toEqual([]);
  });

  // Two services sharing one AgentConfig must not each create the agent's log groups under
  // the same name.
  test('no two services sharing an AgentConfig create the same log group', () => {
    expect(found.filter(isSharedAgentLogGroup)).toEqual([]);
  });

  // The stack names are literals of the example too, so the filter above would hide a clash
  // of names built from them: check the alarm names the services build on their own.
  test('the services name their alarms <stack name>-<service>-<signal>, apart in the two copies', () => {
    const stackNames = ['WatchkeeperExample', 'WatchkeeperExampleCopy'];
    const alarms = physicalNames(models).filter(n => n.namespace === 'alarm');
    const byServices = alarms.filter(n => !userChosen.filter(u => !stackNames.includes(u)).some(u => n.name.startsWith(u)));
    expect(byServices.map(n => n.name)).toEqual(expect.arrayContaining([
      'WatchkeeperExample-Api-Cpu', 'WatchkeeperExampleCopy-Api-Cpu',
      'WatchkeeperExample-Worker-SystemStatusCheck', 'WatchkeeperExampleCopy-Worker-SystemStatusCheck',
      'WatchkeeperExample-NewInstance1-Cpu', 'WatchkeeperExample-NewInstance2-Cpu',
    ]));
    expect(collisions(byServices)).toEqual([]);
  });

  test('fails two stacks that fix the same topic name, and passes names that depend on the stack', () => {
    const topic = (name: any) => ({ Resources: { T: { Type: 'AWS::SNS::Topic', Properties: { TopicName: name } } } });
    const fixed = [new TemplateModel(topic('alerts'), 'A'), new TemplateModel(topic('alerts'), 'B')];
    expect(collisions(physicalNames(fixed))).toEqual(['topic "alerts": A/T, B/T']);
    const perStack = { 'Fn::Join': ['-', [{ Ref: 'AWS::StackName' }, 'alerts']] };
    expect(collisions(physicalNames([new TemplateModel(topic(perStack), 'A'), new TemplateModel(topic(perStack), 'B')]))).toEqual([]);
    const role = (name: any, stack: string) => new TemplateModel({ Resources: { R: { Type: 'AWS::IAM::Role', Properties: { RoleName: name } } } }, stack);
    expect(collisions(physicalNames([role({ 'Fn::Sub': 'ops-${AWS::Region}' }, 'A'), role('ops-us-east-1', 'B')]))).toEqual(['IAM role (account-wide) "ops-us-east-1": A/R, B/R']);
  });

  test('treats a name that depends on a resource attribute as unique', () => {
    expect(literalName({ 'Fn::Join': ['', ['x-', { Ref: 'SomeResource' }]] }, 'A')).toBeUndefined();
    expect(literalName({ 'Fn::Join': ['', ['x-', { Ref: 'AWS::AccountId' }]] }, 'A')).toEqual('x-123456789012');
  });
});
