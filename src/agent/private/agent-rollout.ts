import {
  Duration, Lazy, Names, Stack, Validations,
  aws_autoscaling as autoscaling,
  aws_ec2 as ec2,
  aws_iam as iam,
  aws_ssm as ssm,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { stackManagedPolicy } from '../../private/stack-singleton';
import { EC2_MESSAGES, unscopedStatement } from '../../private/unscoped-actions';
import { checkInteger, invalidMessage } from '../../private/validation';

/** The AWS document that configures and restarts the CloudWatch agent, on Linux and Windows alike. */
export const MANAGE_AGENT_DOCUMENT = 'AmazonCloudWatch-ManageAgent';

/** State Manager takes at most 50 values per target. https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_Target.html */
const MAX_TARGET_VALUES = 50;

const POLICY_ID = 'WatchkeeperAgentRolloutPolicy';

/**
 * Keeps the agent configuration of running instances current through State Manager: one
 * association per kind of target (the instances by id, the groups by the
 * `aws:autoscaling:groupName` tag every member carries from launch), each running
 * `AmazonCloudWatch-ManageAgent` with `action: configure` and the agent's parameter.
 *
 * The association's name ends in the configuration's hash. A new configuration therefore
 * changes the association and nothing else: CloudFormation updates it after the parameter
 * (it references the parameter), and State Manager runs an updated association at once
 * (UpdateAssociation: "When you update an association, the association immediately runs
 * against the specified targets", https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_UpdateAssociation.html;
 * a replaced association runs at creation just the same). `ApplyOnlyAtCronInterval` is left
 * unset (false): it is not supported with rate expressions, and false is what runs at once
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ssm-association.html
 *
 * @internal
 */
export class AgentRollout {
  private readonly instanceIds: string[] = [];
  private readonly groupNames: string[] = [];
  private instanceAssociation?: ssm.CfnAssociation;
  private groupAssociation?: ssm.CfnAssociation;

  public constructor(
    private readonly scope: Construct,
    private readonly parameter: ssm.IStringParameter,
    private readonly configHash: string,
    private readonly refresh: Duration,
  ) {
    const minutes = refresh.toMinutes({ integral: false });
    checkInteger(scope, 'configurationRefresh (minutes)', minutes, 30, 366 * 24 * 60);
  }

  /** The associations created so far. */
  public get associations(): ssm.CfnAssociation[] {
    return [this.instanceAssociation, this.groupAssociation].filter((a): a is ssm.CfnAssociation => a !== undefined);
  }

  /** Adds an instance to the instance association (created on first use). */
  public addInstance(instance: ec2.IInstance): void {
    this.instanceIds.push(instance.instanceId);
    this.instanceAssociation ??= this.create('InstanceRollout', 'InstanceIds', this.instanceIds);
  }

  /** Adds a group's members to the group association (created on first use). */
  public addAutoScalingGroup(group: autoscaling.IAutoScalingGroup): void {
    this.groupNames.push(group.autoScalingGroupName);
    this.groupAssociation ??= this.create('GroupRollout', 'tag:aws:autoscaling:groupName', this.groupNames);
  }

  private create(id: string, key: string, values: string[]): ssm.CfnAssociation {
    const association: ssm.CfnAssociation = new ssm.CfnAssociation(this.scope, id, {
      name: MANAGE_AGENT_DOCUMENT,
      associationName: Lazy.string({
        produce: (): string => `${Names.uniqueResourceName(association, { maxLength: 100, separator: '-' })}-${this.configHash}`,
      }),
      parameters: {
        action: ['configure'],
        mode: ['ec2'],
        optionalConfigurationSource: ['ssm'],
        optionalConfigurationLocation: [this.parameter.parameterName],
        optionalRestart: ['yes'],
      },
      targets: [{ key, values: Lazy.list({ produce: () => [...values] }) }],
      scheduleExpression: rateExpression(this.refresh),
    });
    association.node.addValidation({
      validate: () => values.length > MAX_TARGET_VALUES
        ? [invalidMessage(association, `${key} targets`, `at most ${MAX_TARGET_VALUES} per association (State Manager's limit)`, values.length)]
        : [],
    });
    return association;
  }
}

/** `rate(1 day)`, `rate(6 hours)`, `rate(45 minutes)`: State Manager's rate expressions. */
function rateExpression(every: Duration): string {
  const minutes = every.toMinutes({ integral: false });
  const [n, unit] = minutes % 1440 === 0 ? [minutes / 1440, 'day'] : minutes % 60 === 0 ? [minutes / 60, 'hour'] : [minutes, 'minute'];
  return `rate(${n} ${unit}${n === 1 ? '' : 's'})`;
}

/**
 * What SSM Agent needs to run State Manager associations on an instance, in a managed
 * policy of our own rather than AmazonSSMManagedInstanceCore (which also grants every
 * parameter, inventory, patching and compliance): register the instance, list its own
 * associations (`ssm:ListInstanceAssociations`, scoped to instances; SSM Agent does not need
 * the unscoped `ssm:ListAssociations` for them), describe them, read the one AWS document the
 * agent rollout runs, report the results, and receive the commands (`ec2messages`).
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-instance-permissions.html
 *
 * It names no service, so one per stack serves every agent in it.
 *
 * @internal
 */
export function agentRolloutPolicy(scope: Construct, role: iam.IRole): iam.ManagedPolicy {
  return stackManagedPolicy(scope, POLICY_ID, role, createRolloutPolicy);
}

function createRolloutPolicy(stack: Stack, id: string): iam.ManagedPolicy {
  const instances = stack.formatArn({ service: 'ec2', resource: 'instance', resourceName: '*' });
  const associations = stack.formatArn({ service: 'ssm', resource: 'association', resourceName: '*' });
  // AWS-owned documents have no account in their ARN:
  // https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-setup-identity-based-policies.html
  const document = stack.formatArn({ service: 'ssm', account: '', resource: 'document', resourceName: MANAGE_AGENT_DOCUMENT });
  const policy = new iam.ManagedPolicy(stack, id, {
    description: 'State Manager runs the CloudWatch agent configuration on watched instances of this stack',
    statements: [
      new iam.PolicyStatement({
        sid: 'InstanceAssociations',
        actions: ['ssm:UpdateInstanceInformation', 'ssm:ListInstanceAssociations', 'ssm:UpdateInstanceAssociationStatus'],
        resources: [instances],
      }),
      new iam.PolicyStatement({ sid: 'DescribeAssociations', actions: ['ssm:DescribeAssociation'], resources: [associations] }),
      new iam.PolicyStatement({ sid: 'ReadAgentDocument', actions: ['ssm:GetDocument', 'ssm:DescribeDocument'], resources: [document] }),
      unscopedStatement('ReceiveCommands', EC2_MESSAGES),
    ],
  });
  Validations.of(policy).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: EC2_MESSAGES.reason,
  });
  Validations.of(policy).acknowledge({
    id: `AwsSolutions-IAM5[Resource::${nagArn(stack, 'ec2', 'instance/*')}]`,
    reason: 'SSM Agent on every instance of a group calls these for its own instance, whose id is not known at deploy time; '
      + 'limited to instances of this account and Region.',
  });
  Validations.of(policy).acknowledge({
    id: `AwsSolutions-IAM5[Resource::${nagArn(stack, 'ssm', 'association/*')}]`,
    reason: 'State Manager assigns association ids at deploy time and SSM Agent describes the ones that target its instance; '
      + 'limited to associations of this account and Region.',
  });
  return policy;
}

/** An ARN pattern of this account and Region the way cdk-nag prints it in a finding id. */
function nagArn(stack: Stack, service: string, resource: string): string {
  const region = stack.resolve(stack.region);
  const account = stack.resolve(stack.account);
  const part = (v: unknown, pseudo: string) => (typeof v === 'string' ? v : `<${pseudo}>`);
  return `arn:<AWS::Partition>:${service}:${part(region, 'AWS::Region')}:${part(account, 'AWS::AccountId')}:${resource}`;
}
