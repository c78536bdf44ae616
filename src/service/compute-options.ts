import {
  Duration, Size,
  aws_autoscaling as autoscaling,
  aws_ec2 as ec2,
  aws_iam as iam,
} from 'aws-cdk-lib';
import { ServiceEgress } from './egress';
import { IAlertTopic } from '../core/alert-topic-base';
import { ComputeTarget } from '../core/compute-target';

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
  /** What is watched: the group, or each instance. */
  readonly targets: ComputeTarget[];
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
  /** How many instances run at most (a group's maximum size), when known. */
  readonly maxInstances?: number;
}
