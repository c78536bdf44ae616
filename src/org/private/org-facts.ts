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
