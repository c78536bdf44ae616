// Synthesized CloudFormation templates, read as the rehearsal needs them: every intrinsic
// function resolved to the deterministic names a deployment in one account and Region would
// get (an explicit name property where the template has one, `<stack>-<logical id>` where
// CloudFormation would generate one). Pure: no CDK, no I/O.
// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference.html

/** One resource of a template. */
export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, any>;
}

/** One stack of the cloud assembly, as the rehearsal reads it. */
export interface RehearsalStack {
  readonly stackName: string;
  readonly template: { readonly Resources?: Record<string, CfnResource>; readonly Parameters?: Record<string, any> };
  /** Severity the library's alarm routing recorded, by logical ID. */
  readonly severities: Record<string, string>;
  /** Construct path of each resource, by logical ID. */
  readonly paths: Record<string, string>;
}

/** The pseudo parameters of the rehearsed account and Region. */
export const REHEARSAL_ACCOUNT = '123456789012';
export const REHEARSAL_REGION = 'us-east-1';

const NAME_PROPERTY: Record<string, string> = {
  'AWS::CloudWatch::Alarm': 'AlarmName',
  'AWS::CloudWatch::CompositeAlarm': 'AlarmName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::AutoScaling::AutoScalingGroup': 'AutoScalingGroupName',
  'AWS::SSM::Parameter': 'Name',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::Scheduler::Schedule': 'Name',
  'AWS::Events::Rule': 'Name',
  'AWS::CloudTrail::Trail': 'TrailName',
  'AWS::CloudWatch::AlarmMuteRule': 'Name',
};

/** A short, stable hex digest (FNV-1a), for generated identifiers. */
/* eslint-disable no-bitwise -- FNV-1a is defined on 32-bit words */
export function digest(text: string, length = 17): string {
  let out = '';
  let seed = 0;
  while (out.length < length) {
    let h = 0x811c9dc5 ^ seed++;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    out += h.toString(16).padStart(8, '0');
  }
  return out.slice(0, length);
}
/* eslint-enable no-bitwise */

/** Resolves the values of templates (Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select, Fn::Split, Fn::If). */
export class TemplateResolver {
  public constructor(private readonly stack: RehearsalStack) {}

  /** The resources of the stack. */
  public get resources(): Record<string, CfnResource> {
    return this.stack.template.Resources ?? {};
  }

  /** The physical name of a resource (what `Ref` returns for most named types). */
  public nameOf(logicalId: string): string {
    const r = this.resources[logicalId];
    const prop = r ? NAME_PROPERTY[r.Type] : undefined;
    const explicit = prop ? r?.Properties?.[prop] : undefined;
    if (explicit !== undefined) return String(this.resolve(explicit));
    return `${this.stack.stackName}-${logicalId}`;
  }

  /** What `Ref` of a resource or parameter returns. */
  public ref(logicalId: string): string | undefined {
    switch (logicalId) {
      case 'AWS::Region': return REHEARSAL_REGION;
      case 'AWS::AccountId': return REHEARSAL_ACCOUNT;
      case 'AWS::Partition': return 'aws';
      case 'AWS::URLSuffix': return 'amazonaws.com';
      case 'AWS::StackName': return this.stack.stackName;
      case 'AWS::StackId': return `arn:aws:cloudformation:${REHEARSAL_REGION}:${REHEARSAL_ACCOUNT}:stack/${this.stack.stackName}/0`;
      case 'AWS::NoValue': return undefined;
    }
    const parameter = this.stack.template.Parameters?.[logicalId];
    if (parameter) return parameter.Default === undefined ? `${logicalId}-value` : String(parameter.Default);
    const r = this.resources[logicalId];
    if (!r) return `${this.stack.stackName}-${logicalId}`;
    switch (r.Type) {
      case 'AWS::EC2::Instance': return `i-${digest(`${this.stack.stackName}/${logicalId}`)}`;
      case 'AWS::SNS::Topic': return this.arn('sns', this.nameOf(logicalId));
      default: return this.nameOf(logicalId);
    }
  }

  /** What `Fn::GetAtt` returns. */
  public getAtt(logicalId: string, attribute: string): string {
    const r = this.resources[logicalId];
    const name = this.nameOf(logicalId);
    if (attribute === 'Arn' || attribute === 'TopicArn') {
      switch (r?.Type) {
        case 'AWS::CloudWatch::Alarm':
        case 'AWS::CloudWatch::CompositeAlarm': return this.arn('cloudwatch', `alarm:${name}`);
        case 'AWS::SNS::Topic': return this.arn('sns', name);
        case 'AWS::Logs::LogGroup': return this.arn('logs', `log-group:${name}:*`);
        case 'AWS::Lambda::Function': return this.arn('lambda', `function:${name}`);
        default: return this.arn('unknown', `${r?.Type ?? 'resource'}/${name}`);
      }
    }
    if (attribute === 'TopicName' || attribute === 'Name') return name;
    return `${name}.${attribute}`;
  }

  /** Resolves every intrinsic function in a value. */
  public resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(v => this.resolve(v));
    if (value === null || typeof value !== 'object') return value;
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj);
    if (keys.length === 1) {
      const [fn] = keys;
      const arg = obj[fn] as any;
      switch (fn) {
        case 'Ref': return this.ref(String(arg));
        case 'Fn::GetAtt': {
          const [id, attr] = Array.isArray(arg) ? arg : String(arg).split('.');
          return this.getAtt(id, attr);
        }
        case 'Fn::Join': return (this.resolve(arg[1]) as unknown[]).filter(v => v !== undefined).map(String).join(arg[0]);
        case 'Fn::Select': return (this.resolve(arg[1]) as unknown[])[Number(this.resolve(arg[0]))];
        case 'Fn::Split': return String(this.resolve(arg[1])).split(arg[0]);
        case 'Fn::If': return this.resolve(arg[1]);
        case 'Fn::ImportValue': return `import:${String(this.resolve(arg))}`;
        case 'Fn::Base64': return String(this.resolve(arg));
        case 'Fn::GetAZs': return ['us-east-1a', 'us-east-1b', 'us-east-1c'];
        case 'Fn::Sub': {
          const [text, vars] = Array.isArray(arg) ? arg : [arg, {}];
          const resolvedVars = this.resolve(vars) as Record<string, unknown>;
          return String(text).replace(/\$\{([^}!][^}]*)\}/g, (_m, name: string) => {
            if (name in resolvedVars) return String(resolvedVars[name]);
            const [id, attr] = name.split('.');
            return attr ? this.getAtt(id, attr) : String(this.ref(id));
          });
        }
      }
    }
    return Object.fromEntries(keys.map(k => [k, this.resolve(obj[k])]));
  }

  /** A resolved property of a resource. */
  public prop(logicalId: string, name: string): any {
    return this.resolve(this.resources[logicalId]?.Properties?.[name]);
  }

  /** Logical IDs of the resources of a type. */
  public ofType(type: string): string[] {
    return Object.entries(this.resources).filter(([, r]) => r.Type === type).map(([id]) => id);
  }

  private arn(service: string, resource: string): string {
    return `arn:aws:${service}:${REHEARSAL_REGION}:${REHEARSAL_ACCOUNT}:${resource}`;
  }
}

/** The name in an alarm ARN (or the text itself when it is a name). */
export function alarmNameOf(arnOrName: string): string {
  const m = /^arn:[^:]+:cloudwatch:[^:]*:[^:]*:alarm:(.+)$/.exec(arnOrName);
  return m ? m[1] : arnOrName;
}
