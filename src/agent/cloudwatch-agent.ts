import { createHash } from 'crypto';
import {
  Duration,
  Names,
  RemovalPolicy,
  Stack,
  Validations,
  aws_autoscaling as autoscaling,
  aws_ec2 as ec2,
  aws_iam as iam,
  aws_kms as kms,
  aws_logs as logs,
  aws_ssm as ssm,
} from 'aws-cdk-lib';
import { Construct, DependencyGroup, IConstruct } from 'constructs';
import { AgentConfig } from './agent-config';
import { AgentLogDestination } from './log-sources';
import { AgentOs } from './plugins';
import { AgentRollout, agentRolloutPolicy } from './private/agent-rollout';
import { agentLogGroup } from './private/shared-log-groups';
import { allowLogsToUseKey, sharedLogGroupKey } from '../private/log-group-key';
import { attachedPolicyGrant } from '../private/managed-grants';
import { AGENT_EC2_METADATA, PUT_METRIC_DATA, unscopedStatement } from '../private/unscoped-actions';
import { registerUsage } from '../private/usage-registry';
import { checkInteger, checkPattern, invalid } from '../private/validation';

/** How the CloudWatch agent reaches the instances. */
export interface CloudWatchAgentProps {
  /** What the agent collects: the telemetry model. */
  readonly config: AgentConfig;
  /**
   * The SSM parameter holding the configuration. The `AmazonCloudWatch-` prefix is what
   * AWS's own agent documents and console expect.
   * @default - 'AmazonCloudWatch-' plus a name unique in the app
   */
  readonly parameterName?: string;
  /**
   * The key encrypting the log groups the agent writes.
   * @default - the stack's one key for the log groups of this library (rotation on, usable
   *   by CloudWatch Logs of this account and Region)
   */
  readonly logEncryptionKey?: kms.IKey;
  /**
   * What happens to the created log groups when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
  /**
   * How many instances run this configuration, for the cost report's count of custom
   * metric series.
   * @default 1
   */
  readonly expectedInstances?: number;
  /**
   * How many instances run at most (a group's maximum size), for the upper end of the cost
   * report's range.
   * @default - expectedInstances
   */
  readonly expectedMaxInstances?: number;
  /**
   * How many Auto Scaling groups run this configuration, for the cost report (each adds
   * its rolled-up series).
   * @default - the number of groups it is installed on
   */
  readonly expectedAutoScalingGroups?: number;
  /**
   * How often State Manager applies the configuration again to every targeted instance
   * (besides at once after each change, and to instances that join): repairs drift, such as
   * an agent someone reconfigured by hand. Each run restarts the agent (a gap of seconds).
   * Whole minutes, at least 30 minutes and less than 31 days (State Manager's rate
   * expressions for associations).
   * @default Duration.days(1)
   */
  readonly configurationRefresh?: Duration;
}

/**
 * Puts a CloudWatch agent configuration on instances: the rendered configuration in an SSM
 * parameter, one log group per destination (finite retention, KMS, retained), a managed
 * policy granting exactly what the agent does, user data that installs the agent on
 * Amazon Linux 2023, Ubuntu or Windows Server and starts it with the configuration, and a
 * State Manager association that applies a changed configuration to running instances.
 *
 * The user data names the parameter, never the configuration's content or hash, so a new
 * configuration leaves user data and launch templates as they are: no instance is
 * restarted or replaced. The association (the stack's configure document: wait for the agent
 * to be installed, `fetch-config` from the parameter, restart the agent) carries the hash in
 * its name, so CloudFormation updates it with the configuration and State Manager runs it on
 * every targeted instance at once.
 *
 * Instances, groups and associations this construct is given depend on the agent's policy,
 * the stack's State Manager policy and the log groups, so none starts before what it uses.
 *
 * @example
 * const config = new AgentConfig({ logFiles: [{ filePath: '/var/log/orders/app.log', logGroupName: '/orders/app' }] });
 * const agent = new CloudWatchAgent(this, 'Agent', { config });
 * agent.installOnAutoScalingGroup(group);
 */
export class CloudWatchAgent extends Construct {
  /** The telemetry model. */
  public readonly config: AgentConfig;
  /** The SSM parameter holding the rendered configuration. */
  public readonly parameter: ssm.StringParameter;
  /** The managed policy attached to the roles of the instances. */
  public readonly policy: iam.ManagedPolicy;
  /** The log groups the agent writes, by name. */
  public readonly logGroups: logs.ILogGroup[];
  /** A short hash of the configuration; it changes whenever the configuration does. */
  public readonly configHash: string;

  private readonly groups = new Set<string>();
  private readonly rollout: AgentRollout;
  /** What an instance running the agent uses: the policies its role needs and the log groups. */
  private readonly uses = new DependencyGroup();

  public constructor(scope: Construct, id: string, props: CloudWatchAgentProps) {
    super(scope, id);
    this.config = props.config;
    const rendered = this.config.render();
    this.configHash = createHash('sha256').update(rendered).digest('hex').slice(0, 16);
    checkInteger(this, 'expectedInstances', props.expectedInstances, 0, 100_000);
    checkInteger(this, 'expectedMaxInstances', props.expectedMaxInstances, 0, 100_000);
    checkInteger(this, 'expectedAutoScalingGroups', props.expectedAutoScalingGroups, 0, 10_000);

    const parameterName = props.parameterName ?? `AmazonCloudWatch-${Names.uniqueResourceName(this, { maxLength: 200, separator: '-' })}`;
    checkPattern(this, 'parameterName', parameterName, /^[a-zA-Z0-9_.\-/]{1,1011}$/, 'an SSM parameter name of letters, digits and _.-/');
    // Standard parameters hold 4 KB, advanced ones 8 KB (and cost $0.05 a month).
    const bytes = Buffer.byteLength(rendered);
    checkInteger(this, 'config (rendered bytes)', bytes, 1, 8192);
    this.parameter = new ssm.StringParameter(this, 'Parameter', {
      parameterName,
      stringValue: rendered,
      tier: bytes > 4096 ? ssm.ParameterTier.ADVANCED : ssm.ParameterTier.STANDARD,
      description: `CloudWatch agent configuration (sha256 ${this.configHash})`,
    });

    this.logGroups = this.createLogGroups(props);
    this.policy = this.createPolicy();
    this.uses.add(this.policy, ...this.logGroups);
    this.rollout = new AgentRollout(this, this.parameter, this.configHash, props.configurationRefresh ?? Duration.days(1), this.uses);

    registerUsage(this, () => {
      const instances = props.expectedInstances ?? 1;
      const groups = props.expectedAutoScalingGroups ?? this.groups.size;
      const series = instances * this.config.seriesPerInstance() + groups * this.config.seriesPerAutoScalingGroup();
      const maxInstances = Math.max(instances, props.expectedMaxInstances ?? instances);
      return {
        customMetricSeries: series,
        customMetricSeriesMax: maxInstances * this.config.seriesPerInstance() + groups * this.config.seriesPerAutoScalingGroup(),
        detail: `${this.node.path}: ${this.config.seriesPerInstance()} agent series per instance × ${instances} `
          + `+ ${this.config.seriesPerAutoScalingGroup()} per group × ${groups}`,
      };
    });
  }

  /**
   * The State Manager associations that apply the configuration to running instances: one
   * for the instances given by id, one for the groups (targeted by the
   * `aws:autoscaling:groupName` tag). Force a run with
   * `aws ssm start-associations-once --association-ids <id>`.
   */
  public get associations(): ssm.CfnAssociation[] {
    return this.rollout.associations;
  }

  /**
   * Installs and starts the agent on a new instance, grants its role what the agent needs,
   * and keeps its configuration current through State Manager.
   */
  public installOnInstance(instance: ec2.Instance): void {
    this.install(instance.role, instance.userData);
    this.rollOutToInstance(instance);
  }

  /**
   * Installs and starts the agent on every instance of a group, grants the group's role,
   * and keeps the configuration of its running instances current through State Manager.
   */
  public installOnAutoScalingGroup(group: autoscaling.AutoScalingGroup): void {
    this.grant(group.role);
    group.addUserData(...this.userDataCommands());
    this.rollOutToAutoScalingGroup(group);
  }

  /**
   * Applies the configuration to a running instance through State Manager whenever it
   * changes (the instance's role needs `grant`, and the agent must be installed).
   */
  public rollOutToInstance(instance: ec2.IInstance): void {
    this.rollout.addInstance(instance);
    this.dependOnUses(instance);
  }

  /**
   * Applies the configuration to the running instances of a group through State Manager
   * whenever it changes, targeting them by the `aws:autoscaling:groupName` tag Auto Scaling
   * puts on every member (the role needs `grant`, and the agent must be installed).
   */
  public rollOutToAutoScalingGroup(group: autoscaling.IAutoScalingGroup): void {
    this.rollout.addAutoScalingGroup(group);
    this.groups.add(group.node.path);
    this.dependOnUses(group);
  }

  /** Installs and starts the agent through any user data, and grants the role. */
  public install(role: iam.IRole, userData: ec2.UserData): void {
    this.grant(role);
    userData.addCommands(...this.userDataCommands());
  }

  /**
   * Attaches the agent's managed policy to a role, and the stack's State Manager policy
   * that lets SSM Agent run the configuration rollout (for instances whose user data you manage).
   */
  public grant(grantee: iam.IGrantable): iam.Grant {
    const role = grantee.grantPrincipal as iam.IRole;
    if (typeof (role as unknown as Record<string, unknown>).roleArn !== 'string' || typeof role.addManagedPolicy !== 'function') {
      invalid(this, 'grant(grantee)', 'a role (the instances\' role): the agent\'s permissions are a managed policy attached to it', role.toString());
    }
    this.policy.attachToRole(role);
    const rollout = agentRolloutPolicy(this, role);
    this.uses.add(rollout);
    return attachedPolicyGrant(grantee, [this.policy, rollout]);
  }

  /**
   * The user data lines that install, configure and start the agent for the configuration's
   * OS. They name the parameter only, so they stay the same when the configuration changes.
   */
  public userDataCommands(): string[] {
    const source = `ssm:${this.parameter.parameterName}`;
    if (this.config.os === AgentOs.WINDOWS) {
      return [
        '# CloudWatch agent: configuration from the SSM parameter, changes applied by State Manager',
        '$ctl = "$env:ProgramFiles\\Amazon\\AmazonCloudWatchAgent\\amazon-cloudwatch-agent-ctl.ps1"',
        'if (-not (Test-Path $ctl)) {',
        '  $msi = "$env:TEMP\\amazon-cloudwatch-agent.msi"',
        '  Invoke-WebRequest -UseBasicParsing -Uri "https://amazoncloudwatch-agent.s3.amazonaws.com/windows/amd64/latest/amazon-cloudwatch-agent.msi" -OutFile $msi',
        '  Start-Process msiexec.exe -Wait -ArgumentList "/i `"$msi`" /qn"',
        '}',
        `& $ctl -a fetch-config -m ec2 -s -c ${source}`,
      ];
    }
    const script = '/var/lib/cloud/scripts/per-boot/watchkeeper-cloudwatch-agent.sh';
    return [
      '# CloudWatch agent: configuration from the SSM parameter, changes applied by State Manager',
      'if [ ! -x /opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl ]; then',
      '  if command -v dnf >/dev/null 2>&1; then dnf install -y amazon-cloudwatch-agent',
      '  elif command -v yum >/dev/null 2>&1; then yum install -y amazon-cloudwatch-agent',
      '  elif command -v dpkg >/dev/null 2>&1; then',
      '    arch="$(dpkg --print-architecture)"',
      '    curl -fsSL -o /tmp/amazon-cloudwatch-agent.deb "https://amazoncloudwatch-agent.s3.amazonaws.com/ubuntu/${arch}/latest/amazon-cloudwatch-agent.deb"',
      '    dpkg -i -E /tmp/amazon-cloudwatch-agent.deb',
      '  fi',
      'fi',
      `mkdir -p "$(dirname ${script})"`,
      `printf '%s\\n' '#!/bin/sh' '/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c ${source}' > ${script}`,
      `chmod 700 ${script}`,
      script,
    ];
  }

  /**
   * Makes an instance or group of this app wait for the policies and log groups the agent on
   * it uses: otherwise CloudFormation may launch it first, and the agent's first
   * `fetch-config` and writes are denied (a managed policy depends on the role it is attached
   * to, never the instance on the policy). Only the instance or group resource itself waits:
   * its role, a child of it, is what the policies name. An instance or group of another stack
   * is left alone: the association here already makes this stack depend on that one.
   */
  private dependOnUses(target: IConstruct): void {
    const resource = Construct.isConstruct(target) ? target.node.defaultChild : undefined;
    if (resource && Stack.of(resource) === Stack.of(this)) resource.node.addDependency(this.uses);
  }

  private createLogGroups(props: CloudWatchAgentProps): logs.ILogGroup[] {
    const destinations: AgentLogDestination[] = [
      ...this.config.logFiles, ...this.config.windowsEventLogs, ...(this.config.emf ? [this.config.emf] : []),
    ];
    if (destinations.length === 0) return [];
    const key = props.logEncryptionKey ?? sharedLogGroupKey(this);
    if (props.logEncryptionKey) allowLogsToUseKey(this, props.logEncryptionKey);
    const byName = new Map<string, logs.ILogGroup>();
    for (const d of destinations) {
      if (byName.has(d.logGroupName)) continue;
      byName.set(d.logGroupName, agentLogGroup(this, d.logGroupName, {
        retention: d.retention ?? logs.RetentionDays.ONE_MONTH,
        encryptionKey: key,
        removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
      }));
    }
    return [...byName.values()];
  }

  private createPolicy(): iam.ManagedPolicy {
    const statements = [
      new iam.PolicyStatement({
        sid: 'ReadConfiguration',
        actions: ['ssm:GetParameter'],
        resources: [this.parameter.parameterArn],
      }),
      unscopedStatement('ReadInstanceMetadata', AGENT_EC2_METADATA),
    ];
    if (this.config.plugins.length > 0) {
      const put = unscopedStatement('PublishMetrics', PUT_METRIC_DATA);
      put.addCondition('StringEquals', { 'cloudwatch:namespace': this.config.namespace });
      statements.push(put);
    }
    if (this.logGroups.length > 0) {
      statements.push(new iam.PolicyStatement({
        sid: 'WriteLogs',
        actions: ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
        // The group ARN ends in :* and so covers its streams.
        resources: this.logGroups.map(g => g.logGroupArn),
      }));
    }
    const policy = new iam.ManagedPolicy(this, 'Policy', {
      description: `What the CloudWatch agent of ${this.node.path} needs, nothing more`,
      statements,
    });
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: `${AGENT_EC2_METADATA.reason} ${PUT_METRIC_DATA.reason}`,
    });
    return policy;
  }
}
