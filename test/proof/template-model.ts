// A synthesized CloudFormation template with its intrinsics resolved the way CloudFormation
// would resolve them in one fixed account and Region, so that policies can be evaluated
// against concrete ARNs.
//
// Ref and Fn::GetAtt return values per resource type are documented on each type's page of
// the CloudFormation resource reference ("Return values"), e.g.
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sns-topic.html#aws-resource-sns-topic-return-values
// A resource without a fixed name gets a generated one (`<stack>-<logicalId>-<suffix>`), which
// CloudFormation makes unique; the resolver marks it so the name checks treat it as unique.

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const PARTITION = 'aws';
/** A Region that is not the stack's, for negative requests. */
export const OTHER_REGION = 'eu-west-1';
/** An account that is not ours, for negative requests. */
export const OTHER_ACCOUNT = '999999999999';

/** Physical names CloudFormation generates carry this marker. */
export const GENERATED = '~generated~';

type Json = any;

/** How the physical name (Ref value or name property) of a resource type is found, and its ARN built. */
interface TypeInfo {
  /** The property holding the user-chosen physical name. */
  readonly nameProperty?: string;
  /** The ARN for a physical name. */
  readonly arn?: (name: string, props: Json) => string;
  /** What Ref returns when it is not the name. */
  readonly ref?: (name: string, arn: string) => string;
}

const r = `${PARTITION}`;
const TYPES: Record<string, TypeInfo> = {
  'AWS::SNS::Topic': { nameProperty: 'TopicName', arn: n => `arn:${r}:sns:${REGION}:${ACCOUNT}:${n}`, ref: (_n, a) => a },
  'AWS::SQS::Queue': { nameProperty: 'QueueName', arn: n => `arn:${r}:sqs:${REGION}:${ACCOUNT}:${n}`, ref: n => `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${n}` },
  'AWS::KMS::Key': { arn: n => `arn:${r}:kms:${REGION}:${ACCOUNT}:key/${n}` },
  'AWS::Lambda::Function': { nameProperty: 'FunctionName', arn: n => `arn:${r}:lambda:${REGION}:${ACCOUNT}:function:${n}` },
  // A log group's Arn attribute ends in `:*`.
  'AWS::Logs::LogGroup': { nameProperty: 'LogGroupName', arn: n => `arn:${r}:logs:${REGION}:${ACCOUNT}:log-group:${n}:*` },
  'AWS::IAM::Role': { nameProperty: 'RoleName', arn: (n, p) => `arn:${r}:iam::${ACCOUNT}:role${p.Path ?? '/'}${n}` },
  'AWS::IAM::ManagedPolicy': { nameProperty: 'ManagedPolicyName', arn: (n, p) => `arn:${r}:iam::${ACCOUNT}:policy${p.Path ?? '/'}${n}`, ref: (_n, a) => a },
  'AWS::IAM::InstanceProfile': { nameProperty: 'InstanceProfileName', arn: (n, p) => `arn:${r}:iam::${ACCOUNT}:instance-profile${p.Path ?? '/'}${n}` },
  'AWS::CloudWatch::Alarm': { nameProperty: 'AlarmName', arn: n => `arn:${r}:cloudwatch:${REGION}:${ACCOUNT}:alarm:${n}` },
  'AWS::CloudWatch::CompositeAlarm': { nameProperty: 'AlarmName', arn: n => `arn:${r}:cloudwatch:${REGION}:${ACCOUNT}:alarm:${n}` },
  'AWS::CloudWatch::LogAlarm': { nameProperty: 'AlarmName', arn: n => `arn:${r}:cloudwatch:${REGION}:${ACCOUNT}:alarm:${n}` },
  'AWS::Events::Rule': { nameProperty: 'Name', arn: n => `arn:${r}:events:${REGION}:${ACCOUNT}:rule/${n}` },
  'AWS::Scheduler::Schedule': { nameProperty: 'Name', arn: (n, p) => `arn:${r}:scheduler:${REGION}:${ACCOUNT}:schedule/${p.GroupName ?? 'default'}/${n}` },
  'AWS::SSM::Parameter': { nameProperty: 'Name', arn: n => `arn:${r}:ssm:${REGION}:${ACCOUNT}:parameter/${n.replace(/^\//, '')}` },
  // Ref returns the document's name.
  'AWS::SSM::Document': { nameProperty: 'Name', arn: n => `arn:${r}:ssm:${REGION}:${ACCOUNT}:document/${n}` },
  'AWS::S3::Bucket': { nameProperty: 'BucketName', arn: n => `arn:${r}:s3:::${n}` },
  'AWS::CloudTrail::Trail': { nameProperty: 'TrailName', arn: n => `arn:${r}:cloudtrail:${REGION}:${ACCOUNT}:trail/${n}` },
  'AWS::EC2::Instance': { arn: n => `arn:${r}:ec2:${REGION}:${ACCOUNT}:instance/${n}` },
  'AWS::EC2::LaunchTemplate': { nameProperty: 'LaunchTemplateName' },
  'AWS::AutoScaling::AutoScalingGroup': { nameProperty: 'AutoScalingGroupName' },
  'AWS::CloudWatch::Dashboard': { nameProperty: 'DashboardName' },
  'AWS::Logs::QueryDefinition': {},
};

/** One synthesized stack, resolvable. */
export class TemplateModel {
  public readonly resources: Record<string, Json>;

  public constructor(public readonly template: Json, public readonly stackName: string) {
    this.resources = template.Resources ?? {};
  }

  /** Logical ids of every resource of a type, in template order. */
  public ofType(type: string): string[] {
    return Object.keys(this.resources).filter(id => this.resources[id].Type === type);
  }

  public props(logicalId: string): Json {
    return this.resources[logicalId]?.Properties ?? {};
  }

  /** The physical name of a resource: its name property when set, else a generated one. */
  public physicalName(logicalId: string): string {
    const res = this.resources[logicalId];
    if (!res) throw new Error(`no resource ${logicalId} in ${this.stackName}`);
    const info = TYPES[res.Type] ?? {};
    const given = info.nameProperty ? res.Properties?.[info.nameProperty] : undefined;
    if (given !== undefined) return String(this.resolve(given));
    if (res.Type === 'AWS::EC2::Instance') return `i-${hex(logicalId)}`;
    if (res.Type === 'AWS::KMS::Key') return `key-${hex(logicalId)}`;
    const name = `${this.stackName}-${logicalId}-${GENERATED}`;
    return res.Type === 'AWS::S3::Bucket' ? name.toLowerCase() : name;
  }

  public arn(logicalId: string): string {
    const res = this.resources[logicalId];
    const info = TYPES[res?.Type];
    if (!info?.arn) throw new Error(`no ARN format for ${res?.Type} (${logicalId})`);
    return info.arn(this.physicalName(logicalId), res.Properties ?? {});
  }

  public ref(logicalId: string): string {
    if (this.template.Parameters?.[logicalId]) return `parameter-${logicalId}`;
    const res = this.resources[logicalId];
    if (!res) throw new Error(`Ref to unknown ${logicalId}`);
    const info = TYPES[res.Type] ?? {};
    const name = this.physicalName(logicalId);
    if (info.ref) return info.ref(name, info.arn ? this.arn(logicalId) : name);
    if (TYPES[res.Type]) return name;
    return `${logicalId}-physical-id`;
  }

  public getAtt(logicalId: string, attribute: string): string {
    if (attribute === 'Arn') return this.arn(logicalId);
    if (attribute === 'KeyId') return this.physicalName(logicalId);
    if (attribute === 'Name' || attribute === 'TopicName') return this.physicalName(logicalId);
    return `${logicalId}.${attribute}`;
  }

  /** Resolves every intrinsic and pseudo parameter in a value. */
  public resolve(value: Json): Json {
    if (Array.isArray(value)) return value.map(v => this.resolve(v));
    if (value === null || typeof value !== 'object') return value;
    const keys = Object.keys(value);
    if (keys.length === 1) {
      const [fn] = keys;
      const arg = value[fn];
      switch (fn) {
        case 'Ref': return pseudo(arg, this.stackName) ?? this.ref(arg);
        case 'Fn::GetAtt': {
          const [id, attr] = Array.isArray(arg) ? arg : String(arg).split(/\.(.*)/);
          return this.getAtt(id, attr);
        }
        case 'Fn::Join': return (this.resolve(arg[1]) as Json[]).map(v => String(v)).join(arg[0]);
        case 'Fn::Sub': return this.sub(arg);
        case 'Fn::Select': return (this.resolve(arg[1]) as Json[])[Number(this.resolve(arg[0]))];
        case 'Fn::Split': return String(this.resolve(arg[1])).split(arg[0]);
        case 'Fn::GetAZs': return [`${REGION}a`, `${REGION}b`, `${REGION}c`];
        case 'Fn::Base64': return this.resolve(arg);
        default: break;
      }
    }
    const out: Json = {};
    for (const k of keys) out[k] = this.resolve(value[k]);
    return out;
  }

  private sub(arg: Json): string {
    const [text, vars] = Array.isArray(arg) ? arg : [arg, {}];
    return String(text).replace(/\$\{([^}!]+)\}/g, (_m, name: string) => {
      if (vars[name] !== undefined) return String(this.resolve(vars[name]));
      const p = pseudo(name, this.stackName);
      if (p !== undefined) return p;
      const [id, attr] = name.split(/\.(.*)/);
      return attr ? this.getAtt(id, attr) : this.ref(id);
    });
  }
}

/** Pseudo parameters in the fixed test environment. */
export function pseudo(name: string, stackName: string): string | undefined {
  switch (name) {
    case 'AWS::AccountId': return ACCOUNT;
    case 'AWS::Region': return REGION;
    case 'AWS::Partition': return PARTITION;
    case 'AWS::URLSuffix': return 'amazonaws.com';
    case 'AWS::StackName': return stackName;
    case 'AWS::StackId': return `arn:${PARTITION}:cloudformation:${REGION}:${ACCOUNT}:stack/${stackName}/id`;
    case 'AWS::NoValue': return undefined;
    default: return undefined;
  }
}

/** A stable 17-hex-digit id from a logical id (instance ids and key ids look like this). */
function hex(s: string): string {
  let h = 0n;
  for (const c of s) h = (h * 131n + BigInt(c.charCodeAt(0))) % (16n ** 17n);
  return h.toString(16).padStart(17, '0');
}

/** Action lists and statement lists may be a single value. */
export function asArray<T>(v: T | T[] | undefined): T[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}
