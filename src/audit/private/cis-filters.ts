import { CisControl } from '../cis-controls';

/** One CIS control: the metric it publishes, its filter pattern and what it means. */
export interface CisFilter {
  readonly metricName: string;
  readonly pattern: string;
  readonly description: string;
}

const anyEvent = (names: string[]) => names.map(n => `($.eventName = "${n}")`).join(' || ');
const fromSource = (source: string, names: string[]) => `{ ($.eventSource = "${source}") && (${anyEvent(names)}) }`;

/**
 * The filter patterns of the CIS AWS Foundations Benchmark monitoring controls (v1.4 to
 * v3.0 wording), on CloudTrail events delivered to CloudWatch Logs.
 */
export const CIS_FILTERS: Record<CisControl, CisFilter> = {
  [CisControl.UNAUTHORIZED_API_CALLS]: {
    metricName: 'UnauthorizedAPICalls',
    pattern: '{ (($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) '
      + '&& ($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }',
    description: 'API calls were refused as unauthorized (CIS: unauthorized API calls)',
  },
  [CisControl.CONSOLE_SIGN_IN_WITHOUT_MFA]: {
    metricName: 'ConsoleSignInWithoutMfa',
    pattern: '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") '
      + '&& ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
    description: 'An IAM user signed in to the console without MFA (CIS: console sign-in without MFA)',
  },
  [CisControl.ROOT_ACCOUNT_USAGE]: {
    metricName: 'RootAccountUsage',
    pattern: '{ ($.userIdentity.type = "Root") && ($.userIdentity.invokedBy NOT EXISTS) && ($.eventType != "AwsServiceEvent") }',
    description: 'The root user was used (CIS: root account usage)',
  },
  [CisControl.IAM_POLICY_CHANGES]: {
    metricName: 'IAMPolicyChanges',
    pattern: `{ ${anyEvent([
      'DeleteGroupPolicy', 'DeleteRolePolicy', 'DeleteUserPolicy', 'PutGroupPolicy', 'PutRolePolicy', 'PutUserPolicy',
      'CreatePolicy', 'DeletePolicy', 'CreatePolicyVersion', 'DeletePolicyVersion', 'SetDefaultPolicyVersion',
      'AttachRolePolicy', 'DetachRolePolicy', 'AttachUserPolicy', 'DetachUserPolicy', 'AttachGroupPolicy', 'DetachGroupPolicy',
    ])} }`,
    description: 'An IAM policy was created, changed, attached or detached (CIS: IAM policy changes)',
  },
  [CisControl.CLOUDTRAIL_CONFIG_CHANGES]: {
    metricName: 'CloudTrailConfigChanges',
    pattern: `{ ${anyEvent(['CreateTrail', 'UpdateTrail', 'DeleteTrail', 'StartLogging', 'StopLogging'])} }`,
    description: 'A CloudTrail trail was created, changed, deleted, started or stopped (CIS: CloudTrail configuration changes)',
  },
  [CisControl.CONSOLE_AUTHENTICATION_FAILURES]: {
    metricName: 'ConsoleAuthenticationFailures',
    pattern: '{ ($.eventName = "ConsoleLogin") && ($.errorMessage = "Failed authentication") }',
    description: 'A console sign-in failed (CIS: console authentication failures)',
  },
  [CisControl.DISABLE_OR_DELETE_KMS_KEYS]: {
    metricName: 'DisableOrDeleteKmsKeys',
    pattern: fromSource('kms.amazonaws.com', ['DisableKey', 'ScheduleKeyDeletion']),
    description: 'A KMS key was disabled or scheduled for deletion (CIS: disabling or scheduled deletion of customer managed keys)',
  },
  [CisControl.S3_BUCKET_POLICY_CHANGES]: {
    metricName: 'S3BucketPolicyChanges',
    pattern: fromSource('s3.amazonaws.com', [
      'PutBucketAcl', 'PutBucketPolicy', 'PutBucketCors', 'PutBucketLifecycle', 'PutBucketReplication',
      'DeleteBucketPolicy', 'DeleteBucketCors', 'DeleteBucketLifecycle', 'DeleteBucketReplication',
    ]),
    description: 'A bucket policy, ACL, CORS, lifecycle or replication configuration changed (CIS: S3 bucket policy changes)',
  },
  [CisControl.AWS_CONFIG_CHANGES]: {
    metricName: 'AWSConfigChanges',
    pattern: fromSource('config.amazonaws.com', [
      'StopConfigurationRecorder', 'DeleteDeliveryChannel', 'PutDeliveryChannel', 'PutConfigurationRecorder',
    ]),
    description: 'The AWS Config recorder or delivery channel changed (CIS: AWS Config configuration changes)',
  },
  [CisControl.SECURITY_GROUP_CHANGES]: {
    metricName: 'SecurityGroupChanges',
    pattern: `{ ${anyEvent([
      'AuthorizeSecurityGroupIngress', 'AuthorizeSecurityGroupEgress', 'RevokeSecurityGroupIngress', 'RevokeSecurityGroupEgress',
      'CreateSecurityGroup', 'DeleteSecurityGroup',
    ])} }`,
    description: 'A security group or its rules changed (CIS: security group changes)',
  },
  [CisControl.NACL_CHANGES]: {
    metricName: 'NACLChanges',
    pattern: `{ ${anyEvent([
      'CreateNetworkAcl', 'CreateNetworkAclEntry', 'DeleteNetworkAcl', 'DeleteNetworkAclEntry', 'ReplaceNetworkAclEntry', 'ReplaceNetworkAclAssociation',
    ])} }`,
    description: 'A network ACL changed (CIS: NACL changes)',
  },
  [CisControl.NETWORK_GATEWAY_CHANGES]: {
    metricName: 'NetworkGatewayChanges',
    pattern: `{ ${anyEvent([
      'CreateCustomerGateway', 'DeleteCustomerGateway', 'AttachInternetGateway', 'CreateInternetGateway', 'DeleteInternetGateway', 'DetachInternetGateway',
    ])} }`,
    description: 'A customer or internet gateway changed (CIS: network gateway changes)',
  },
  [CisControl.ROUTE_TABLE_CHANGES]: {
    metricName: 'RouteTableChanges',
    pattern: fromSource('ec2.amazonaws.com', [
      'CreateRoute', 'CreateRouteTable', 'ReplaceRoute', 'ReplaceRouteTableAssociation', 'DeleteRouteTable', 'DeleteRoute', 'DisassociateRouteTable',
    ]),
    description: 'A route table or route changed (CIS: route table changes)',
  },
  [CisControl.VPC_CHANGES]: {
    metricName: 'VPCChanges',
    pattern: `{ ${anyEvent([
      'CreateVpc', 'DeleteVpc', 'ModifyVpcAttribute', 'AcceptVpcPeeringConnection', 'CreateVpcPeeringConnection', 'DeleteVpcPeeringConnection',
      'RejectVpcPeeringConnection', 'AttachClassicLinkVpc', 'DetachClassicLinkVpc', 'DisableVpcClassicLink', 'EnableVpcClassicLink',
    ])} }`,
    description: 'A VPC or VPC peering connection changed (CIS: VPC changes)',
  },
  [CisControl.ORGANIZATIONS_CHANGES]: {
    metricName: 'OrganizationsChanges',
    pattern: fromSource('organizations.amazonaws.com', [
      'AcceptHandshake', 'AttachPolicy', 'CreateAccount', 'CreateOrganizationalUnit', 'CreatePolicy', 'DeclineHandshake',
      'DeleteOrganization', 'DeleteOrganizationalUnit', 'DeletePolicy', 'DetachPolicy', 'DisablePolicyType', 'EnablePolicyType',
      'InviteAccountToOrganization', 'LeaveOrganization', 'MoveAccount', 'RemoveAccountFromOrganization', 'UpdatePolicy',
      'UpdateOrganizationalUnit',
    ]),
    description: 'The AWS Organizations structure or its policies changed (CIS: Organizations changes)',
  },
};
