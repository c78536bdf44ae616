import { App } from 'aws-cdk-lib';
import { constructsTemplate } from './construct-stacks';
import { exampleTemplate } from './example-app';
import { FoundPolicy, canMatch, policyDocuments, requiredResourceFindings, templateFindings } from './required-resources';
import { ACCOUNT, REGION, TemplateModel, asArray } from './template-model';
import { OrgMonitoringStack, REGIONS } from '../../examples/org';

type Json = any;

/** The templates every policy of which is checked: the example app, both Regions of the organisation example, the construct stack. */
function sources(): TemplateModel[] {
  const app = new App();
  const org = REGIONS.map(region => new OrgMonitoringStack(app, `WatchkeeperOrg-${region}`, { region }));
  const assembly = app.synth();
  return [
    new TemplateModel(exampleTemplate(), 'WatchkeeperExample'),
    ...org.map(s => new TemplateModel(assembly.getStackByName(s.stackName).template, s.stackName)),
    new TemplateModel(constructsTemplate(), 'ProofConstructs'),
  ];
}

const policy = (statement: Json): FoundPolicy => ({ where: 'Fixture', document: { Version: '2012-10-17', Statement: [statement] } });
const arn = (service: string, resource: string) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${resource}`;

describe('Required resource types of every policy', () => {
  let models: TemplateModel[];
  beforeAll(() => {
    models = sources();
  }, 180_000);

  test('checks the example app, the organisation example in each Region and the construct stack', () => {
    expect(models.map(m => m.stackName)).toEqual(['WatchkeeperExample', ...REGIONS.map(r => `WatchkeeperOrg-${r}`), 'ProofConstructs']);
  });

  // "If you specify a resource-level permission ARN in a statement using this action, then it
  // must be of this type": a required resource type no Resource matches is a denied call.
  test('every Allow statement names a Resource of each resource type its actions require (Service Authorization Reference)', () => {
    const findings = models.flatMap(m => templateFindings(m).map(f => `${m.stackName}: ${f}`));
    expect(findings).toEqual([]);
  });

  test('finds identity policies, managed policies, role inline policies and resource policies by walking the templates', () => {
    const kinds = new Map<string, number>();
    for (const m of models) {
      for (const p of policyDocuments(m)) {
        const [id] = p.where.split('.');
        const kind = `${m.resources[id].Type} ${p.where.slice(id.length + 1).replace(/\[\d+\]/g, '[]')}`;
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      }
    }
    expect([...kinds.keys()]).toEqual(expect.arrayContaining([
      'AWS::IAM::ManagedPolicy PolicyDocument',
      'AWS::IAM::Role Policies[].PolicyDocument',
      'AWS::KMS::Key KeyPolicy',
      'AWS::SNS::TopicPolicy PolicyDocument',
      'AWS::S3::BucketPolicy PolicyDocument',
      'AWS::Oam::Sink Policy',
    ]));
    expect(kinds.get('AWS::IAM::ManagedPolicy PolicyDocument')).toBeGreaterThan(10);
  });

  // Statements the check would skip: it only reads Action and Resource.
  test('the templates hold no Allow statement with NotAction or NotResource', () => {
    const skipped = models.flatMap(m => policyDocuments(m).flatMap(p => asArray(p.document.Statement)
      .filter((s: Json) => s.Effect === 'Allow' && (s.NotAction || s.NotResource)).map(() => `${m.stackName} ${p.where}`)));
    expect(skipped).toEqual([]);
  });

  test('fails the example app when its State Manager policy grants UpdateInstanceAssociationStatus on instances only', () => {
    const template = JSON.parse(JSON.stringify(models[0].template));
    const [id] = Object.keys(template.Resources).filter(k => k.startsWith('WatchkeeperAgentRolloutPolicy'));
    const statement = template.Resources[id].Properties.PolicyDocument.Statement.find((s: Json) => s.Sid === 'ReportAssociationRuns');
    statement.Resource = asArray(statement.Resource).filter((r: Json) => !JSON.stringify(r).includes(':association/'));
    expect(templateFindings(new TemplateModel(template, 'WatchkeeperExample'))).toEqual([
      expect.stringMatching(/^WatchkeeperAgentRolloutPolicy\w+\.PolicyDocument statement ReportAssociationRuns: ssm:UpdateInstanceAssociationStatus requires the resource type association/),
    ]);
  });
});

describe('Required resource type check', () => {
  test('fails ssm:UpdateInstanceAssociationStatus granted on instance/* only: association is its required resource type', () => {
    const findings = requiredResourceFindings(policy({ Effect: 'Allow', Action: 'ssm:UpdateInstanceAssociationStatus', Resource: arn('ec2', 'instance/*') }));
    expect(findings).toEqual([expect.stringContaining('ssm:UpdateInstanceAssociationStatus requires the resource type association')]);
    expect(requiredResourceFindings(policy({
      Effect: 'Allow', Action: 'ssm:UpdateInstanceAssociationStatus', Resource: [arn('ssm', 'association/*'), arn('ec2', 'instance/*')],
    }))).toEqual([]);
  });

  test('expands action wildcards and checks every action they name', () => {
    const findings = requiredResourceFindings(policy({ Effect: 'Allow', Action: 'ssm:UpdateInstanceAssociation*', Resource: arn('ec2', 'instance/*') }));
    expect(findings).toEqual([expect.stringContaining('ssm:UpdateInstanceAssociationStatus requires the resource type association')]);
  });

  test('fails an action the reference does not know', () => {
    expect(requiredResourceFindings(policy({ Effect: 'Allow', Action: 'ssm:DescribeAssociations', Resource: '*' })))
      .toEqual(['Fixture statement 0: ssm:DescribeAssociations is no action of the Service Authorization Reference']);
  });

  test('a * resource matches every resource type; Deny statements and trust policies are not grants', () => {
    expect(requiredResourceFindings(policy({ Effect: 'Allow', Action: 'ssm:UpdateInstanceAssociationStatus', Resource: '*' }))).toEqual([]);
    expect(requiredResourceFindings(policy({ Effect: 'Deny', Action: 'ssm:UpdateInstanceAssociationStatus', Resource: arn('ec2', 'instance/*') }))).toEqual([]);
    expect(requiredResourceFindings(policy({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'ec2.amazonaws.com' } }))).toEqual([]);
  });

  test('matches ARN patterns against ARN formats segment by segment', () => {
    const document = 'arn:${Partition}:ssm:${Region}:${Account}:document/${DocumentName}';
    // AWS-owned documents have no account.
    expect(canMatch('arn:aws:ssm:us-east-1::document/AmazonCloudWatch-ManageAgent', document)).toBe(true);
    expect(canMatch(arn('ssm', 'document/*'), document)).toBe(true);
    expect(canMatch(arn('ssm', 'parameter/*'), document)).toBe(false);
    // A placeholder never takes a colon: an EC2 ARN is no association.
    expect(canMatch(arn('ec2', 'instance/*'), 'arn:${Partition}:ssm:${Region}:${Account}:association/${AssociationId}')).toBe(false);
    // A policy wildcard may: arn:aws:ssm:* covers every association.
    expect(canMatch('arn:aws:ssm:*', 'arn:${Partition}:ssm:${Region}:${Account}:association/${AssociationId}')).toBe(true);
    expect(canMatch('arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef?', 'arn:${Partition}:ec2:${Region}:${Account}:instance/${InstanceId}')).toBe(true);
  });

  // CloudWatch Logs documents the log group ARN with a trailing :* for policies of every action
  // but the tagging ones (iam-access-control-overview-cwl).
  test('takes a log group ARN ending in :* for the log group actions CloudWatch Logs documents it for, not for tagging', () => {
    const group = arn('logs', 'log-group:/orders/app:*');
    expect(requiredResourceFindings(policy({ Effect: 'Allow', Action: ['logs:DescribeLogStreams', 'logs:StartQuery'], Resource: group }))).toEqual([]);
    expect(requiredResourceFindings(policy({ Effect: 'Allow', Action: 'logs:DescribeLogStreams', Resource: arn('logs', 'log-group:/orders/app') }))).toEqual([]);
    expect(requiredResourceFindings(policy({ Effect: 'Allow', Action: 'logs:PutLogEvents', Resource: group }))).toEqual([]);
    expect(requiredResourceFindings(policy({ Effect: 'Allow', Action: 'logs:PutLogEvents', Resource: arn('logs', 'log-group:/orders/app') })))
      .toEqual([expect.stringContaining('logs:PutLogEvents requires the resource type log-stream')]);
  });
});
