import { Stack, Token, aws_oam as oam } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import {
  DEFAULT_METRIC_NAMESPACES, DEFAULT_SHARED_TELEMETRY, LOG_GROUP_NAME_PREFIX, MAX_FILTER_CONDITIONAL_OPERANDS,
  MAX_LABEL_TEMPLATE_LENGTH, MAX_LINK_FILTER_LENGTH, MAX_MONITORING_ACCOUNTS_PER_SOURCE,
} from './private/org-facts';
import { SharedTelemetryType } from './shared-telemetry';
import { checkPattern, checkUnique, invalid, invalidMessage, isUnresolved } from '../private/validation';

/** What a source account shares, whichever way its link is deployed. */
export interface SourceAccountLinkOptions {
  /**
   * What the link shares: the sink policy's list or part of it, or link creation fails.
   * @default - metrics and log groups (the `MonitoringAccount` default)
   */
  readonly sharedTelemetry?: SharedTelemetryType[];
  /**
   * The metric namespaces shared (`Namespace IN (...)`). Add each service's own agent
   * namespace (`AgentConfig` `namespace`). The filter this makes must fit in 2,000 characters.
   * @default ['AWS/EC2', 'AWS/AutoScaling', 'AWS/EBS', 'CWAgent']
   */
  readonly metricNamespaces?: string[];
  /**
   * Share only log groups whose names start with one of these prefixes: at most 6 (they are
   * joined with `OR`, and a link filter holds at most five `AND`/`OR` operands), in a filter
   * of at most 2,000 characters.
   * @default - every log group of the account and Region
   */
  readonly logGroupNamePrefixes?: string[];
  /**
   * How the monitoring account labels this account, 1 to 64 characters: a custom label
   * (`prod-payments`), or one with the variables `$AccountName`, `$AccountEmail` or
   * `$AccountEmailNoDomain`. In the AWS GovCloud (US) Regions only custom labels work.
   * @default '$AccountName'
   */
  readonly labelTemplate?: string;
}

/** Properties of a {@link SourceAccountLink}. */
export interface SourceAccountLinkProps extends SourceAccountLinkOptions {
  /** The ARN of the monitoring account's sink, in this stack's Region (`MonitoringAccount.sinkArn`). */
  readonly sinkArn: string;
}

/**
 * Links the account and Region its stack is deployed to with a monitoring account's sink
 * (CloudWatch cross-account observability), sharing only the namespaces and log groups our
 * constructs publish. Metrics show up in the monitoring account once the account sends new
 * data after linking. Delete links before the sink: a sink with links cannot be deleted.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-oam-link.html
 *
 * Deploy it in each source stack, as a stage of a CDK Pipelines wave, or to whole OUs with
 * `SourceLinkStackSet`.
 *
 * @example
 * new SourceAccountLink(this, 'Link', {
 *   sinkArn: 'arn:aws:oam:eu-west-1:111111111111:sink/abcd1234-a123-4567-8901-123456789012',
 *   metricNamespaces: ['AWS/EC2', 'AWS/AutoScaling', 'CWAgent', 'MyService'],
 * });
 */
export class SourceAccountLink extends Construct {
  /** Whether a construct is a {@link SourceAccountLink}. */
  public static isSourceAccountLink(x: unknown): x is SourceAccountLink {
    return typeof x === 'object' && x !== null && SOURCE_LINK in x;
  }

  /** The link. */
  public readonly link: oam.CfnLink;
  /** What the link shares. */
  public readonly sharedTelemetry: SharedTelemetryType[];

  public constructor(scope: Construct, id: string, props: SourceAccountLinkProps) {
    super(scope, id);
    Object.defineProperty(this, SOURCE_LINK, { value: true });
    checkPattern(this, 'sinkArn', props.sinkArn, /^arn:aws[a-z-]*:oam:[a-z0-9-]+:\d{12}:sink\/[A-Za-z0-9-]+$/, 'the ARN of an OAM sink (arn:aws:oam:<region>:<account>:sink/<id>)');
    const sinkRegion = Token.isUnresolved(props.sinkArn) ? undefined : props.sinkArn.split(':')[3];
    const region = Stack.of(this).region;
    if (sinkRegion && !Token.isUnresolved(region) && region !== sinkRegion) {
      invalid(this, 'sinkArn', `a sink in this stack's Region ${region} (a link and its sink must be in the same Region)`, props.sinkArn);
    }
    this.sharedTelemetry = [...(props.sharedTelemetry ?? DEFAULT_SHARED_TELEMETRY)];
    if (this.sharedTelemetry.length === 0) invalid(this, 'sharedTelemetry', 'at least one telemetry type', '[]');
    checkUnique(this, 'sharedTelemetry', this.sharedTelemetry);
    // A custom label or one with variables, 1 to 64 characters (AWS::Oam::Link schema;
    // https://docs.aws.amazon.com/OAM/latest/APIReference/API_CreateLink.html).
    const labelTemplate = props.labelTemplate ?? '$AccountName';
    if (!isUnresolved(labelTemplate) && (labelTemplate.length < 1 || labelTemplate.length > MAX_LABEL_TEMPLATE_LENGTH)) {
      invalid(this, 'labelTemplate', `1 to ${MAX_LABEL_TEMPLATE_LENGTH} characters (a custom label, or one with $AccountName, $AccountEmail or $AccountEmailNoDomain)`, labelTemplate);
    }

    // Filter syntax: single-quoted values, at most five AND/OR operands, at most 2,000 characters.
    // https://docs.aws.amazon.com/OAM/latest/APIReference/API_MetricConfiguration.html
    // https://docs.aws.amazon.com/OAM/latest/APIReference/API_LogGroupConfiguration.html
    const namespaces = props.metricNamespaces ?? [...DEFAULT_METRIC_NAMESPACES];
    if (namespaces.length === 0) invalid(this, 'metricNamespaces', 'at least one namespace', '[]');
    checkUnique(this, 'metricNamespaces', namespaces);
    namespaces.forEach((n, i) => checkPattern(this, `metricNamespaces[${i}]`, n, /^[^']{1,255}$/, 'a namespace of 1 to 255 characters without single quotes'));
    const prefixes = props.logGroupNamePrefixes;
    const maxPrefixes = MAX_FILTER_CONDITIONAL_OPERANDS + 1;
    if (prefixes !== undefined && (prefixes.length === 0 || prefixes.length > maxPrefixes)) {
      invalid(this, 'logGroupNamePrefixes', `1 to ${maxPrefixes} prefixes (joined with OR: a link filter holds at most `
        + `${MAX_FILTER_CONDITIONAL_OPERANDS} AND/OR operands), or undefined for every log group`, prefixes.length);
    }
    (prefixes ?? []).forEach((p, i) => checkPattern(this, `logGroupNamePrefixes[${i}]`, p, LOG_GROUP_NAME_PREFIX, 'a log group name prefix of 1 to 512 letters, digits, _ . / # or -'));
    const shares = (t: SharedTelemetryType) => this.sharedTelemetry.includes(t);
    const metricFilter = shares(SharedTelemetryType.METRICS) ? `Namespace IN (${namespaces.map(n => `'${n}'`).join(', ')})` : undefined;
    const logGroupFilter = shares(SharedTelemetryType.LOG_GROUPS) && prefixes ? prefixes.map(p => `LogGroupName LIKE '${p}%'`).join(' OR ') : undefined;
    checkFilterLength(this, 'metricNamespaces', metricFilter);
    checkFilterLength(this, 'logGroupNamePrefixes', logGroupFilter);

    // LabelTemplate is optional in the schema, but deployments fail without it.
    this.link = new oam.CfnLink(this, 'Resource', {
      sinkIdentifier: props.sinkArn,
      labelTemplate,
      resourceTypes: this.sharedTelemetry,
      linkConfiguration: {
        metricConfiguration: metricFilter ? { filter: metricFilter } : undefined,
        logGroupConfiguration: logGroupFilter ? { filter: logGroupFilter } : undefined,
      },
    });
    this.node.addValidation({ validate: () => this.checkLinksPerStack() });
  }

  private checkLinksPerStack(): string[] {
    const stack = Stack.of(this);
    const links = stack.node.findAll().filter((c: IConstruct) => SourceAccountLink.isSourceAccountLink(c) && Stack.of(c) === stack);
    if (links.length <= MAX_MONITORING_ACCOUNTS_PER_SOURCE || links[0] !== this) return [];
    return [invalidMessage(this, 'SourceAccountLink constructs in one stack',
      `at most ${MAX_MONITORING_ACCOUNTS_PER_SOURCE}: a source account links to at most ${MAX_MONITORING_ACCOUNTS_PER_SOURCE} monitoring accounts `
      + '(https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-Unified-Cross-Account.html)', links.length)];
  }
}

const SOURCE_LINK = Symbol.for('cdk-watchkeeper.SourceAccountLink');

/** Fails when a link filter made from `prop` is longer than OAM accepts (it would fail at deploy). */
function checkFilterLength(scope: Construct, prop: string, filter: string | undefined): void {
  if (filter === undefined || isUnresolved(filter) || filter.length <= MAX_LINK_FILTER_LENGTH) return;
  invalid(scope, prop, `a list whose link filter is at most ${MAX_LINK_FILTER_LENGTH} characters long, or the link fails at deploy `
    + '(share fewer or shorter entries, or one prefix that covers several); filter length', filter.length);
}
