/**
 * The monitoring controls of the CIS AWS Foundations Benchmark (section "Monitoring":
 * a metric filter and alarm on CloudTrail logs for each).
 */
export enum CisControl {
  /** Unauthorized API calls. */
  UNAUTHORIZED_API_CALLS = 'UNAUTHORIZED_API_CALLS',
  /** Management console sign-in without MFA. */
  CONSOLE_SIGN_IN_WITHOUT_MFA = 'CONSOLE_SIGN_IN_WITHOUT_MFA',
  /** Use of the root account. */
  ROOT_ACCOUNT_USAGE = 'ROOT_ACCOUNT_USAGE',
  /** IAM policy changes. */
  IAM_POLICY_CHANGES = 'IAM_POLICY_CHANGES',
  /** CloudTrail configuration changes. */
  CLOUDTRAIL_CONFIG_CHANGES = 'CLOUDTRAIL_CONFIG_CHANGES',
  /** Management console authentication failures. */
  CONSOLE_AUTHENTICATION_FAILURES = 'CONSOLE_AUTHENTICATION_FAILURES',
  /** Disabling or scheduled deletion of customer managed KMS keys. */
  DISABLE_OR_DELETE_KMS_KEYS = 'DISABLE_OR_DELETE_KMS_KEYS',
  /** S3 bucket policy changes. */
  S3_BUCKET_POLICY_CHANGES = 'S3_BUCKET_POLICY_CHANGES',
  /** AWS Config configuration changes. */
  AWS_CONFIG_CHANGES = 'AWS_CONFIG_CHANGES',
  /** Security group changes. */
  SECURITY_GROUP_CHANGES = 'SECURITY_GROUP_CHANGES',
  /** Network ACL changes. */
  NACL_CHANGES = 'NACL_CHANGES',
  /** Changes to network gateways. */
  NETWORK_GATEWAY_CHANGES = 'NETWORK_GATEWAY_CHANGES',
  /** Route table changes. */
  ROUTE_TABLE_CHANGES = 'ROUTE_TABLE_CHANGES',
  /** VPC changes. */
  VPC_CHANGES = 'VPC_CHANGES',
  /** AWS Organizations changes. */
  ORGANIZATIONS_CHANGES = 'ORGANIZATIONS_CHANGES',
}
