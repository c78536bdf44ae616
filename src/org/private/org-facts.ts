import { SharedTelemetryType } from '../shared-telemetry';

/**
 * The one list of telemetry types the sink policy admits and each link asks for, unless the
 * user passes the same list of their own to both. Sharing metrics and log groups costs nothing extra:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-Unified-Cross-Account.html
 */
export const DEFAULT_SHARED_TELEMETRY: readonly SharedTelemetryType[] = [SharedTelemetryType.METRICS, SharedTelemetryType.LOG_GROUPS];

/**
 * The namespaces our constructs alarm on: EC2 and Auto Scaling metrics, EBS volumes and the
 * CloudWatch agent's default namespace. Add each service's own agent namespace.
 */
export const DEFAULT_METRIC_NAMESPACES: readonly string[] = ['AWS/EC2', 'AWS/AutoScaling', 'AWS/EBS', 'CWAgent'];

/**
 * A source account can link to at most 5 monitoring accounts (per Region).
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-Unified-Cross-Account.html
 */
export const MAX_MONITORING_ACCOUNTS_PER_SOURCE = 5;

/** An AWS Organizations organization id. https://docs.aws.amazon.com/organizations/latest/APIReference/API_Organization.html */
export const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;

/**
 * A value of `aws:PrincipalOrgPaths`: `o-id/r-root/ou-.../` down to the OU, optionally ending in `*`
 * for every OU below it. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgpaths
 */
export const ORG_PATH = /^o-[a-z0-9]{10,32}\/r-[0-9a-z]{4,32}\/(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}\/)*\*?$/;

/** An organizational unit id or a root id (StackSet deployment targets). */
export const OU_OR_ROOT_ID = /^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/;

/**
 * A single Metrics Insights query processes at most 10,000 metrics: beyond that the
 * organisation's alarms miss instances.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-metrics-insights-limits.html
 */
export const MAX_METRICS_PER_QUERY = 10_000;

/**
 * An inline StackSet template body is at most 51,200 bytes.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStackSet.html
 */
export const MAX_TEMPLATE_BODY_BYTES = 51_200;

/**
 * A link filter (`MetricConfiguration.Filter`, `LogGroupConfiguration.Filter`) is 1 to 2,000
 * characters: `LinkFilter.Filter` `maxLength` in the `AWS::Oam::Link` resource schema, and
 * "Length Constraints: Minimum length of 1. Maximum length of 2000." in the OAM API reference
 * (https://docs.aws.amazon.com/OAM/latest/APIReference/API_MetricConfiguration.html,
 * https://docs.aws.amazon.com/OAM/latest/APIReference/API_LogGroupConfiguration.html).
 * A longer filter synthesizes but fails at deploy.
 */
export const MAX_LINK_FILTER_LENGTH = 2000;

/**
 * "Each filter has a limit of five conditional operands. Conditional operands are AND and OR."
 * (OAM API reference, LogGroupConfiguration and MetricConfiguration). Prefixes joined with
 * `OR` therefore number at most six: five `OR`s.
 */
export const MAX_FILTER_CONDITIONAL_OPERANDS = 5;

/**
 * A link's label template is 1 to 64 characters (`LabelTemplate` `minLength`/`maxLength` in the
 * `AWS::Oam::Link` resource schema). It may be a custom label or use `$AccountName`,
 * `$AccountEmail` and `$AccountEmailNoDomain`
 * (https://docs.aws.amazon.com/OAM/latest/APIReference/API_CreateLink.html); in the AWS
 * GovCloud (US) Regions only custom labels work, the variables resolve to the account id.
 */
export const MAX_LABEL_TEMPLATE_LENGTH = 64;

/**
 * A log group name, so also a prefix of one: 1 to 512 characters, letters, digits, `_ - / . #`
 * (`LogGroupName` pattern `^[.\-_/#A-Za-z0-9]{1,512}` in the `AWS::Logs::LogGroup` resource schema).
 */
export const LOG_GROUP_NAME_PREFIX = /^[A-Za-z0-9_./#-]{1,512}$/;
