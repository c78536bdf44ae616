import {
  Annotations, Duration, Size, Stack,
  aws_autoscaling as autoscaling,
  aws_ec2 as ec2,
  aws_iam as iam,
  aws_kms as kms,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ServiceEgress } from './egress';
import { IAlertTopic } from '../core/alert-topic-base';
import { checkInteger, invalid } from '../private/validation';

/** What every new compute choice (group or instance) lets you set; everything has a secure default. */
export interface NewComputeOptions {
  /**
   * The VPC to launch into.
   * @default - the `vpc` of the service
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Where in the VPC the instances run.
   * @default - private subnets with egress (the agent and Session Manager need to reach AWS APIs)
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * The instance type.
   * @default t3.small
   */
  readonly instanceType?: ec2.InstanceType;
  /**
   * The AMI. The default is read from the public SSM parameter at deploy time, so synth
   * stays offline and every deployment picks up the latest patched image.
   * @default - the latest Amazon Linux 2023 (x86_64)
   */
  readonly machineImage?: ec2.IMachineImage;
  /**
   * The role the instances run with. The service attaches Session Manager permissions
   * (a managed policy, no AWS managed policy) to it and the agent adds its own.
   * @default - a new role with only what Session Manager needs
   */
  readonly role?: iam.IRole;
  /**
   * The security group. Inbound traffic is allowed only through
   * `service.connections.allowFrom(...)`.
   * @default - a new group with no inbound rule and outbound traffic as `egress` says
   */
  readonly securityGroup?: ec2.ISecurityGroup;
  /**
   * What the new security group allows out. Ignored when you bring `securityGroup`.
   * Add what the application needs besides HTTPS with `service.connections.allowTo(...)`.
   * @default ServiceEgress.httpsOnly() - TCP 443 anywhere: the agent, Systems Manager and
   * the package repositories
   */
  readonly egress?: ServiceEgress;
  /**
   * Commands run at first boot.
   * @default - the image's default (none)
   */
  readonly userData?: ec2.UserData;
  /**
   * Size of the encrypted gp3 root volume.
   * @default Size.gibibytes(16)
   */
  readonly rootVolumeSize?: Size;
  /**
   * The root device name of the image (`/dev/xvda` on Amazon Linux, `/dev/sda1` on Ubuntu and Windows).
   * @default '/dev/xvda'
   */
  readonly rootDeviceName?: string;
  /**
   * Block devices that replace the root volume above. Volumes that are not encrypted are
   * reported as a warning (`cdk-watchkeeper:ServiceCompute.unencryptedVolume`).
   * @default - one encrypted gp3 root volume
   */
  readonly blockDevices?: ec2.BlockDevice[];
  /**
   * One-minute EC2 metrics (about $2.10 per instance per month). The group-level scaling
   * and dashboard metrics need them to be timely.
   * @default true
   */
  readonly detailedMonitoring?: boolean;
}

/** A new Auto Scaling group from a launch template. */
export interface NewAutoScalingGroupOptions extends NewComputeOptions {
  /**
   * Fewest instances.
   * @default 1
   */
  readonly minCapacity?: number;
  /**
   * Most instances.
   * @default - 2, or `minCapacity` when that is larger
   */
  readonly maxCapacity?: number;
  /**
   * Instances to start with. Leave it unset when scaling policies manage the group: a
   * fixed value resets the group's size on every deployment.
   * @default - the group starts at `minCapacity`
   */
  readonly desiredCapacity?: number;
  /**
   * Time a new instance needs before its metrics count for scaling (the group's default
   * instance warmup, used by every scaling policy that does not set its own).
   * @default Duration.minutes(5)
   */
  readonly defaultInstanceWarmup?: Duration;
  /**
   * Health checks of the group. Use `HealthChecks.withAdditionalChecks` with ELB when a
   * load balancer sends it traffic.
   * @default - EC2 status checks
   */
  readonly healthChecks?: autoscaling.HealthChecks;
  /**
   * Which group events are sent to the alert topic. All of them by default, so a group
   * that keeps replacing instances is noticed (and the AwsSolutions-AS3 rule is met); use
   * `ScalingEvents.ERRORS` to hear only of failed launches and terminations.
   * @default autoscaling.ScalingEvents.ALL
   */
  readonly notificationEvents?: autoscaling.ScalingEvents;
}

/** A new single instance. */
export interface NewInstanceOptions extends NewComputeOptions {
  /**
   * The instance's Name tag.
   * @default - the construct path
   */
  readonly instanceName?: string;
  /**
   * Termination protection (`DisableApiTermination`). With it on, `cdk destroy` fails
   * until you turn it off; that is the point.
   * @default true
   */
  readonly terminationProtection?: boolean;
}

/** Options for compute the service did not create. */
export interface ExistingComputeOptions {
  /**
   * The role the instances run with, so the service can add Session Manager and agent
   * permissions to it.
   * @default - the group's or instance's role when it is a construct of this app that has
   * one; otherwise none, and a warning says permissions must be granted by you
   */
  readonly role?: iam.IRole;
}

/** @internal What the service passes to its compute. */
export interface ComputeContext {
  readonly vpc?: ec2.IVpc;
  readonly alertTopic: IAlertTopic;
}

/** @internal What a compute choice produced. */
export interface BuiltCompute {
  readonly autoScalingGroup?: autoscaling.IAutoScalingGroup;
  readonly instances: ec2.IInstance[];
  readonly role?: iam.IRole;
  readonly securityGroup?: ec2.ISecurityGroup;
  readonly connections?: ec2.Connections;
  /** True when the service created the instances (and may set their defaults). */
  readonly created: boolean;
  /** The instance type, when the service chose it (decides burstable-only alarms). */
  readonly instanceType?: ec2.InstanceType;
  /** The user data of created instances, where the agent installation goes. */
  readonly userData?: ec2.UserData;
  /** How many instances usually run (for the cost report), when known. */
  readonly expectedInstances?: number;
}

/**
 * The compute a {@link MonitoredService} watches: a new or existing Auto Scaling group, a
 * new single instance, or existing instances.
 */
export abstract class ServiceCompute {
  /**
   * A new Auto Scaling group from a launch template (the default): IMDSv2 required,
   * encrypted gp3 root volume, no SSH key, no public IP, detailed monitoring, group
   * metrics, private subnets, failed launches reported to the alert topic.
   */
  public static newAutoScalingGroup(options: NewAutoScalingGroupOptions = {}): ServiceCompute {
    return new NewGroupCompute(options);
  }

  /** An Auto Scaling group created elsewhere; its launch settings are left as they are. */
  public static existingAutoScalingGroup(group: autoscaling.IAutoScalingGroup, options: ExistingComputeOptions = {}): ServiceCompute {
    return new ExistingGroupCompute(group, options);
  }

  /**
   * A new single instance with the same secure defaults as the group, plus termination
   * protection.
   */
  public static newInstance(options: NewInstanceOptions = {}): ServiceCompute {
    return new NewInstanceCompute(options);
  }

  /** Instances created elsewhere; their settings are left as they are. */
  public static existingInstances(instances: ec2.IInstance[], options: ExistingComputeOptions = {}): ServiceCompute {
    return new ExistingInstancesCompute(instances, options);
  }

  /** @internal */
  public abstract _build(scope: Construct, context: ComputeContext): BuiltCompute;
}

const DEFAULT_ROOT_SIZE = Size.gibibytes(16);

function requireVpc(scope: Construct, options: NewComputeOptions, context: ComputeContext): ec2.IVpc {
  const vpc = options.vpc ?? context.vpc;
  if (!vpc) {
    invalid(scope, 'vpc', 'set on the service or in the compute options when the service creates instances', undefined);
  }
  return vpc;
}

function newRole(scope: Construct, options: NewComputeOptions): iam.IRole {
  return options.role ?? new iam.Role(scope, 'Role', {
    assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
    description: `Instances of ${scope.node.path}`,
  });
}

function newSecurityGroup(scope: Construct, vpc: ec2.IVpc, options: NewComputeOptions): ec2.ISecurityGroup {
  if (options.securityGroup) {
    if (options.egress) {
      invalid(scope, 'egress', 'unset when you bring your own securityGroup (its rules are yours)', options.egress.description);
    }
    return options.securityGroup;
  }
  const egress = options.egress ?? ServiceEgress.httpsOnly();
  if (!egress._allowAllOutbound && egress._peerCount === 0) {
    invalid(scope, 'egress', 'ServiceEgress.httpsTo() with at least one peer', '[]');
  }
  const group = new ec2.SecurityGroup(scope, 'SecurityGroup', {
    vpc,
    // The description is fixed: changing it replaces the group, so it does not name the egress.
    description: `Instances of ${scope.node.path}: no inbound rule unless allowed`,
    allowAllOutbound: egress._allowAllOutbound,
  });
  egress._apply(group);
  return group;
}

function blockDevices(scope: Construct, options: NewComputeOptions): ec2.BlockDevice[] {
  if (options.blockDevices) {
    for (const device of options.blockDevices) {
      const ebs = device.volume.ebsDevice;
      if (ebs && ebs.encrypted !== true) {
        Annotations.of(scope).addWarningV2('cdk-watchkeeper:ServiceCompute.unencryptedVolume',
          `Block device ${device.deviceName} is not encrypted: set encrypted: true (or rely on EBS encryption by default in the account).`);
      }
    }
    return options.blockDevices;
  }
  const size = options.rootVolumeSize ?? DEFAULT_ROOT_SIZE;
  const gib = size.toMebibytes() / 1024;
  checkInteger(scope, 'rootVolumeSize (GiB)', gib, 1, 16384);
  return [{
    deviceName: options.rootDeviceName ?? '/dev/xvda',
    volume: ec2.BlockDeviceVolume.ebs(gib, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3, deleteOnTermination: true }),
  }];
}

function defaultImage(options: NewComputeOptions): ec2.IMachineImage {
  return options.machineImage ?? ec2.MachineImage.latestAmazonLinux2023();
}

function defaultType(options: NewComputeOptions): ec2.InstanceType {
  return options.instanceType ?? ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.SMALL);
}

function privateSubnets(options: NewComputeOptions): ec2.SubnetSelection {
  return options.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
}

class NewGroupCompute extends ServiceCompute {
  public constructor(private readonly options: NewAutoScalingGroupOptions) { super(); }

  public _build(scope: Construct, context: ComputeContext): BuiltCompute {
    const o = this.options;
    const vpc = requireVpc(scope, o, context);
    const minCapacity = o.minCapacity ?? 1;
    const maxCapacity = o.maxCapacity ?? Math.max(2, minCapacity);
    checkInteger(scope, 'minCapacity', minCapacity, 0, 10000);
    checkInteger(scope, 'maxCapacity', maxCapacity, 0, 10000);
    checkInteger(scope, 'desiredCapacity', o.desiredCapacity, 0, 10000);
    if (minCapacity > maxCapacity) {
      invalid(scope, 'minCapacity', `at most maxCapacity (${maxCapacity})`, minCapacity);
    }
    if (o.desiredCapacity !== undefined && (o.desiredCapacity < minCapacity || o.desiredCapacity > maxCapacity)) {
      invalid(scope, 'desiredCapacity', `between minCapacity (${minCapacity}) and maxCapacity (${maxCapacity})`, o.desiredCapacity);
    }
    const warmup = o.defaultInstanceWarmup ?? Duration.minutes(5);
    checkInteger(scope, 'defaultInstanceWarmup (seconds)', warmup.toSeconds(), 0, 3600);

    const role = newRole(scope, o);
    const securityGroup = newSecurityGroup(scope, vpc, o);
    const image = defaultImage(o);
    const devices = blockDevices(scope, o);
    for (const device of devices) {
      const key = device.volume.ebsDevice?.kmsKey;
      if (key) allowAutoScalingToUseEbsKey(scope, key);
    }
    const launchTemplate = new ec2.LaunchTemplate(scope, 'LaunchTemplate', {
      instanceType: defaultType(o),
      machineImage: image,
      role,
      securityGroup,
      // The image's own kind of user data: PowerShell for Windows images, a shell script otherwise.
      userData: o.userData ?? image.getImage(scope).userData,
      blockDevices: devices,
      requireImdsv2: true,
      httpPutResponseHopLimit: 2,
      detailedMonitoring: o.detailedMonitoring ?? true,
      associatePublicIpAddress: false,
    });

    const group = new autoscaling.AutoScalingGroup(scope, 'Group', {
      vpc,
      vpcSubnets: privateSubnets(o),
      launchTemplate,
      minCapacity,
      maxCapacity,
      desiredCapacity: o.desiredCapacity,
      defaultInstanceWarmup: warmup,
      healthChecks: o.healthChecks,
      groupMetrics: [autoscaling.GroupMetrics.all()],
      notifications: [{ topic: context.alertTopic.topic, scalingEvents: o.notificationEvents ?? autoscaling.ScalingEvents.ALL }],
    });
    allowAutoScalingToPublish(scope, context.alertTopic);

    return {
      autoScalingGroup: group,
      instances: [],
      role,
      securityGroup,
      connections: group.connections,
      created: true,
      instanceType: defaultType(o),
      userData: launchTemplate.userData,
      expectedInstances: o.desiredCapacity ?? minCapacity,
    };
  }
}

class NewInstanceCompute extends ServiceCompute {
  public constructor(private readonly options: NewInstanceOptions) { super(); }

  public _build(scope: Construct, context: ComputeContext): BuiltCompute {
    const o = this.options;
    const vpc = requireVpc(scope, o, context);
    const role = newRole(scope, o);
    const securityGroup = newSecurityGroup(scope, vpc, o);
    if (vpc.selectSubnets(privateSubnets(o)).hasPublic) {
      Annotations.of(scope).addWarningV2('cdk-watchkeeper:ServiceCompute.publicSubnet',
        'The instance is placed in a public subnet: it gets a public IP address when the subnet assigns them. '
        + 'Prefer private subnets; inbound access goes through Session Manager.');
    }
    const instance = new ec2.Instance(scope, 'Instance', {
      vpc,
      vpcSubnets: privateSubnets(o),
      instanceType: defaultType(o),
      machineImage: defaultImage(o),
      instanceName: o.instanceName,
      role,
      securityGroup,
      userData: o.userData,
      blockDevices: blockDevices(scope, o),
      detailedMonitoring: o.detailedMonitoring ?? true,
      // No associatePublicIpAddress here: setting it moves the subnet into a network
      // interface, which hides the VPC placement from compliance rules. Private subnets
      // assign no public address.
      disableApiTermination: o.terminationProtection ?? true,
    });
    requireImdsv2WithoutName(scope, instance);
    return {
      instances: [instance],
      role,
      securityGroup,
      connections: instance.connections,
      created: true,
      instanceType: defaultType(o),
      userData: instance.userData,
      expectedInstances: 1,
    };
  }
}

class ExistingGroupCompute extends ServiceCompute {
  public constructor(private readonly group: autoscaling.IAutoScalingGroup, private readonly options: ExistingComputeOptions) { super(); }

  public _build(_scope: Construct, _context: ComputeContext): BuiltCompute {
    const group = this.group;
    const role = this.options.role ?? roleOf(group);
    const connections = group instanceof autoscaling.AutoScalingGroup ? group.connections : undefined;
    return { autoScalingGroup: group, instances: [], role, connections, created: false };
  }
}

class ExistingInstancesCompute extends ServiceCompute {
  public constructor(private readonly instances: ec2.IInstance[], private readonly options: ExistingComputeOptions) { super(); }

  public _build(scope: Construct, _context: ComputeContext): BuiltCompute {
    if (this.instances.length === 0) {
      invalid(scope, 'instances', 'a list of at least one instance', []);
    }
    const roles = new Set(this.instances.map(roleOf).filter((r): r is iam.IRole => r !== undefined));
    const role = this.options.role ?? (roles.size === 1 ? [...roles][0] : undefined);
    return {
      instances: [...this.instances],
      role,
      connections: this.instances.length === 1 ? this.instances[0].connections : undefined,
      created: false,
      expectedInstances: this.instances.length,
    };
  }
}

/**
 * Requires IMDSv2 through a launch template of our own that has no name. `requireImdsv2`
 * would name it `<id>LaunchTemplate` unless the app sets the
 * `@aws-cdk/aws-ec2:uniqueImdsv2TemplateName` flag, and launch template names are unique
 * per account and Region: a second copy of the stack would fail to deploy. The template holds
 * only the metadata options, which never change, so its version (part of the instance's
 * launch template reference, a replacing property) stays 1.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-launchtemplate.html
 */
function requireImdsv2WithoutName(scope: Construct, instance: ec2.Instance): void {
  const template = new ec2.CfnLaunchTemplate(scope, 'InstanceMetadataOptions', {
    launchTemplateData: { metadataOptions: { httpTokens: 'required', httpEndpoint: 'enabled', httpPutResponseHopLimit: 2 } },
  });
  instance.instance.launchTemplate = { launchTemplateId: template.ref, version: template.attrLatestVersionNumber };
}

/** The role of an L2 group or instance of this app, when it has one. */
function roleOf(resource: autoscaling.IAutoScalingGroup | ec2.IInstance): iam.IRole | undefined {
  if (resource instanceof autoscaling.AutoScalingGroup) {
    try {
      return resource.role;
    } catch {
      // A group built from a launch template exposes its role only through the template.
      return undefined;
    }
  }
  if (resource instanceof ec2.Instance) return resource.role;
  return undefined;
}

const ebsKeysGranted = new WeakSet<kms.IKey>();

/**
 * Auto Scaling launches a group's instances with its service-linked role, which must be
 * allowed to use a customer managed key of the launch template's volumes, or every launch
 * fails ("Client.InternalError: Client error on launch"). The key policy AWS documents,
 * naming the role through a condition for the reason given below:
 * https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html
 */
function allowAutoScalingToUseEbsKey(scope: Construct, key: kms.IKey): void {
  if (ebsKeysGranted.has(key)) return;
  const stack = Stack.of(scope);
  const role = `arn:${stack.partition}:iam::${stack.account}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling*`;
  const use = key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowAutoScalingToUseTheKeyForVolumes',
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
    resources: ['*'],
    conditions: { StringEquals: { 'kms:CallerAccount': stack.account }, ArnLike: { 'aws:PrincipalArn': role } },
  }), true);
  const grant = key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowAutoScalingToGrantTheKeyToVolumes',
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: {
      StringEquals: { 'kms:CallerAccount': stack.account },
      ArnLike: { 'aws:PrincipalArn': role },
      Bool: { 'kms:GrantIsForAWSResource': 'true' },
    },
  }), true);
  if (use.statementAdded && grant.statementAdded) {
    ebsKeysGranted.add(key);
  } else {
    Annotations.of(scope).addWarningV2('cdk-watchkeeper:ServiceCompute.ebsKey',
      'Cannot extend the policy of the volumes\' KMS key: allow the Auto Scaling service-linked role (AWSServiceRoleForAutoScaling) '
      + 'kms:Encrypt, kms:Decrypt, kms:ReEncrypt*, kms:GenerateDataKey*, kms:DescribeKey and kms:CreateGrant (with kms:GrantIsForAWSResource), '
      + 'or the group cannot launch instances.');
  }
}

/**
 * Auto Scaling publishes group notifications with its service-linked role, which must be
 * allowed to use the topic's key. The statement names the role through a condition rather
 * than as principal: KMS rejects a key policy naming a role that does not exist yet, and
 * the service-linked role is only created with the account's first group.
 */
function allowAutoScalingToPublish(scope: Construct, alertTopic: IAlertTopic): void {
  const key = alertTopic.encryptionKey;
  const stack = Stack.of(scope);
  const added = key?.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowAutoScalingNotifications',
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    resources: ['*'],
    conditions: {
      StringEquals: { 'kms:CallerAccount': stack.account, 'kms:ViaService': `sns.${stack.region}.amazonaws.com` },
      ArnLike: {
        'aws:PrincipalArn': `arn:${stack.partition}:iam::${stack.account}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling*`,
      },
    },
  }), true);
  if (key !== undefined && !added?.statementAdded) {
    Annotations.of(scope).addWarningV2('cdk-watchkeeper:MonitoredService.topicKey',
      'Cannot extend the policy of the alert topic\'s KMS key: allow the Auto Scaling service-linked role '
      + '(AWSServiceRoleForAutoScaling) kms:Decrypt and kms:GenerateDataKey* on it, or group notifications are dropped.');
  }
}
