import {
  Duration, Lazy, Names, Stack, Validations,
  aws_autoscaling as autoscaling,
  aws_ec2 as ec2,
  aws_iam as iam,
  aws_ssm as ssm,
} from 'aws-cdk-lib';
import { Construct, IDependable } from 'constructs';
import { CONFIGURATION_PARAMETER, agentConfigureDocument } from './agent-configure-document';
import { stackManagedPolicy } from '../../private/stack-singleton';
import { EC2_MESSAGES, unscopedStatement } from '../../private/unscoped-actions';
import { invalid, invalidMessage, isUnresolved } from '../../private/validation';

/**
 * State Manager's rate expressions for associations: "intervals of 30 minutes or greater and
 * less than 31 days".
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/reference-cron-and-rate-expressions.html#reference-cron-and-rate-expressions-association
 */
const MIN_REFRESH_MINUTES = 30;
const MAX_REFRESH_MINUTES = 31 * 24 * 60 - 1;

/** State Manager takes at most 50 values per target. https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_Target.html */
const MAX_TARGET_VALUES = 50;

const POLICY_ID = 'WatchkeeperAgentRolloutPolicy';

/**
 * Keeps the agent configuration of running instances current through State Manager: one
 * association per kind of target (the instances by id, the groups by the
 * `aws:autoscaling:groupName` tag every member carries from launch), each running the
 * stack's configure document (see `agentConfigureDocument`) with the agent's parameter.
 *
 * Each association depends on `uses`: the policies and log groups the run needs (the
 * instance role's grants, the groups the restarted agent writes to), so its first run, at
 * creation, cannot come before them.
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
    private readonly uses: IDependable,
  ) {
    const minutes = refresh.toMinutes({ integral: false });
    if (!isUnresolved(minutes) && (!Number.isInteger(minutes) || minutes < MIN_REFRESH_MINUTES || minutes > MAX_REFRESH_MINUTES)) {
      invalid(scope, 'configurationRefresh', 'whole minutes, at least 30 minutes and less than 31 days '
        + '(State Manager\'s rate expressions for associations)', refresh.toHumanString());
    }
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
      name: agentConfigureDocument(this.scope).ref,
      associationName: Lazy.string({
        produce: (): string => `${Names.uniqueResourceName(association, { maxLength: 100, separator: '-' })}-${this.configHash}`,
      }),
      parameters: { [CONFIGURATION_PARAMETER]: [this.parameter.parameterName] },
      targets: [{ key, values: Lazy.list({ produce: () => [...values] }) }],
      scheduleExpression: rateExpression(this.refresh),
    });
    association.node.addDependency(this.uses);
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
 * parameter, inventory, patching and compliance). SSM Agent, for each association
 * (https://github.com/aws/amazon-ssm-agent, agent/association/service/service.go and
 * agent/association/compliance/uploader/uploader.go):
 * - registers and heartbeats its instance (`ssm:UpdateInstanceInformation`);
 * - lists the associations of its instance (`ssm:ListInstanceAssociations`; the legacy
 *   `ListAssociations` + `DescribeAssociation` path is only its fallback when that call fails);
 * - reads the association's document (`ssm:GetDocument`, with the version; never `DescribeDocument`);
 * - reports each run (`ssm:UpdateInstanceAssociationStatus`, whose required resource type is
 *   the `association`, with the instance as an optional one: Service Authorization
 *   Reference, Systems Manager) and its compliance (`ssm:PutComplianceItems`, resource type
 *   `ManagedInstance`, the instance);
 * - receives the command that runs an association at once after it is created or updated
 *   (`ec2messages`).
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
  const document = stack.formatArn({ service: 'ssm', resource: 'document', resourceName: agentConfigureDocument(stack).ref });
  const policy = new iam.ManagedPolicy(stack, id, {
    description: 'State Manager runs the CloudWatch agent configuration on watched instances of this stack',
    statements: [
      new iam.PolicyStatement({
        sid: 'InstanceAssociations',
        actions: ['ssm:UpdateInstanceInformation', 'ssm:ListInstanceAssociations', 'ssm:PutComplianceItems'],
        resources: [instances],
      }),
      new iam.PolicyStatement({ sid: 'ReportAssociationRuns', actions: ['ssm:UpdateInstanceAssociationStatus'], resources: [associations, instances] }),
      new iam.PolicyStatement({ sid: 'ReadConfigureDocument', actions: ['ssm:GetDocument'], resources: [document] }),
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
    reason: 'State Manager assigns association ids at deploy time and SSM Agent reports the runs of the ones that target its instance; '
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
