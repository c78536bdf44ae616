// Physical names as CloudFormation will create them, and where they must be unique:
// per account and Region for most types, per account for IAM, per partition for S3 buckets.
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-name.html
import { TemplateModel, pseudo } from './template-model';

type Json = any;

/** The name property of each type, and the namespace its names share. */
export const NAME_PROPERTIES: Record<string, { property: string; namespace: string }> = {
  'AWS::Logs::LogGroup': { property: 'LogGroupName', namespace: 'log group' },
  'AWS::EC2::LaunchTemplate': { property: 'LaunchTemplateName', namespace: 'launch template' },
  'AWS::CloudWatch::Alarm': { property: 'AlarmName', namespace: 'alarm' },
  'AWS::CloudWatch::CompositeAlarm': { property: 'AlarmName', namespace: 'alarm' },
  'AWS::SSM::Parameter': { property: 'Name', namespace: 'SSM parameter' },
  'AWS::CloudWatch::Dashboard': { property: 'DashboardName', namespace: 'dashboard' },
  'AWS::SNS::Topic': { property: 'TopicName', namespace: 'topic' },
  'AWS::SQS::Queue': { property: 'QueueName', namespace: 'queue' },
  'AWS::Scheduler::Schedule': { property: 'Name', namespace: 'schedule' },
  'AWS::Events::Rule': { property: 'Name', namespace: 'rule' },
  'AWS::IAM::Role': { property: 'RoleName', namespace: 'IAM role (account-wide)' },
  'AWS::IAM::ManagedPolicy': { property: 'ManagedPolicyName', namespace: 'IAM managed policy (account-wide)' },
  'AWS::IAM::InstanceProfile': { property: 'InstanceProfileName', namespace: 'IAM instance profile (account-wide)' },
  'AWS::Lambda::Function': { property: 'FunctionName', namespace: 'function' },
  'AWS::CloudTrail::Trail': { property: 'TrailName', namespace: 'trail' },
  'AWS::S3::Bucket': { property: 'BucketName', namespace: 'bucket (global)' },
  'AWS::AutoScaling::AutoScalingGroup': { property: 'AutoScalingGroupName', namespace: 'Auto Scaling group' },
  'AWS::KMS::Alias': { property: 'AliasName', namespace: 'KMS alias' },
};

/**
 * A name made only of literals and pseudo parameters, or undefined when it depends on a
 * resource attribute (then CloudFormation makes it unique) or is not set (generated).
 */
export function literalName(value: Json, stackName: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  if (Array.isArray(value)) return undefined;
  const [fn] = Object.keys(value);
  const arg = value[fn];
  if (fn === 'Ref') return pseudo(arg, stackName);
  if (fn === 'Fn::Join') {
    const parts = (arg[1] as Json[]).map(p => literalName(p, stackName));
    return parts.every(p => p !== undefined) ? parts.join(arg[0]) : undefined;
  }
  if (fn === 'Fn::Sub' && typeof arg === 'string') {
    let unresolved = false;
    const out = arg.replace(/\$\{([^}]+)\}/g, (_m, n: string) => pseudo(n, stackName) ?? (unresolved = true, ''));
    return unresolved ? undefined : out;
  }
  return undefined;
}

export interface NamedResource {
  readonly namespace: string;
  readonly name: string;
  readonly where: string;
}

/** Every fixed physical name of the covered types in these stacks. */
export function physicalNames(models: TemplateModel[]): NamedResource[] {
  return models.flatMap(m => Object.entries<Json>(m.resources).flatMap(([id, res]) => {
    const spec = NAME_PROPERTIES[res.Type];
    if (!spec) return [];
    const props = res.Properties ?? {};
    const name = literalName(props[spec.property], m.stackName);
    if (name === undefined) return [];
    // Schedules are unique per schedule group.
    const scoped = res.Type === 'AWS::Scheduler::Schedule' ? `${props.GroupName ?? 'default'}/${name}` : name;
    return [{ namespace: spec.namespace, name: scoped, where: `${m.stackName}/${id}` }];
  }));
}

/** Names held by more than one resource, as `namespace "name": where, where`. */
export function collisions(named: NamedResource[]): string[] {
  const byKey = new Map<string, string[]>();
  for (const n of named) {
    const key = `${n.namespace} "${n.name}"`;
    byKey.set(key, [...byKey.get(key) ?? [], n.where]);
  }
  return [...byKey.entries()].filter(([, w]) => w.length > 1).map(([k, w]) => `${k}: ${w.join(', ')}`);
}
