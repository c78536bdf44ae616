// What a deploy writes to CloudTrail: the API calls CloudFormation makes for the resources it
// creates or updates, as management events (the ones the CIS metric filters watch). A first
// deploy (`changes: ['*']`) creates every resource of the app. Pure: no CDK, no I/O.
// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
import { FleetModel } from './fleet-model.pure';
import { Minute } from './schedule.pure';
import { LogLines, trailLine } from './telemetry.pure';

/** The API calls (service, create calls, update calls) CloudFormation makes per resource type. */
const CALLS: Record<string, [string, string[], string[]]> = {
  'AWS::EC2::SecurityGroup': ['ec2', ['CreateSecurityGroup', 'AuthorizeSecurityGroupEgress', 'AuthorizeSecurityGroupIngress'], ['AuthorizeSecurityGroupIngress', 'RevokeSecurityGroupIngress']],
  'AWS::EC2::SecurityGroupIngress': ['ec2', ['AuthorizeSecurityGroupIngress'], ['RevokeSecurityGroupIngress', 'AuthorizeSecurityGroupIngress']],
  'AWS::EC2::Route': ['ec2', ['CreateRoute'], ['ReplaceRoute']],
  'AWS::EC2::RouteTable': ['ec2', ['CreateRouteTable'], []],
  'AWS::EC2::SubnetRouteTableAssociation': ['ec2', ['AssociateRouteTable'], ['ReplaceRouteTableAssociation']],
  'AWS::EC2::VPC': ['ec2', ['CreateVpc', 'ModifyVpcAttribute'], ['ModifyVpcAttribute']],
  'AWS::EC2::InternetGateway': ['ec2', ['CreateInternetGateway'], []],
  'AWS::EC2::VPCGatewayAttachment': ['ec2', ['AttachInternetGateway'], []],
  'AWS::EC2::NetworkAcl': ['ec2', ['CreateNetworkAcl'], []],
  'AWS::EC2::NetworkAclEntry': ['ec2', ['CreateNetworkAclEntry'], ['ReplaceNetworkAclEntry']],
  'AWS::EC2::LaunchTemplate': ['ec2', ['CreateLaunchTemplate'], ['CreateLaunchTemplateVersion']],
  'AWS::IAM::Role': ['iam', ['CreateRole', 'PutRolePolicy', 'AttachRolePolicy'], ['PutRolePolicy']],
  'AWS::IAM::Policy': ['iam', ['PutRolePolicy'], ['PutRolePolicy']],
  'AWS::IAM::ManagedPolicy': ['iam', ['CreatePolicy', 'AttachRolePolicy'], ['CreatePolicyVersion', 'DeletePolicyVersion']],
  'AWS::S3::BucketPolicy': ['s3', ['PutBucketPolicy'], ['PutBucketPolicy']],
  'AWS::CloudTrail::Trail': ['cloudtrail', ['CreateTrail', 'StartLogging'], ['UpdateTrail']],
  'AWS::KMS::Key': ['kms', ['CreateKey', 'PutKeyPolicy'], ['PutKeyPolicy']],
};

/** What an ordinary update of an app changes: its security groups, IAM policies and launch templates. */
export const ORDINARY_UPDATE = ['AWS::EC2::SecurityGroup', 'AWS::IAM::ManagedPolicy', 'AWS::EC2::LaunchTemplate'];

/** CloudTrail lines of a deploy, by minute (a deploy's calls spread over its first 10 minutes). */
export function deployEvents(fleet: FleetModel, changes: readonly string[] | undefined, at: Minute): Map<Minute, LogLines[]> {
  const create = changes?.includes('*') ?? false;
  const types = create ? Object.keys(fleet.resourceTypes) : (changes ?? ORDINARY_UPDATE).filter(t => (fleet.resourceTypes[t] ?? 0) > 0);
  const out = new Map<Minute, LogLines[]>();
  types.forEach((type, k) => {
    const calls = CALLS[type];
    if (!calls) return;
    const [service, creates, updates] = calls;
    const minute = at + (k % 10);
    const lines = (create ? creates : updates).map(name => ({ text: trailLine(`${service}.amazonaws.com`, name), count: fleet.resourceTypes[type] ?? 1 }));
    out.set(minute, [...(out.get(minute) ?? []), ...lines]);
  });
  return out;
}
