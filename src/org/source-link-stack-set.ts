import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, BootstraplessSynthesizer, CfnParameter, Stack, Token, aws_cloudformation as cloudformation } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { MAX_TEMPLATE_BODY_BYTES, OU_OR_ROOT_ID } from './private/org-facts';
import { SourceAccountLink, SourceAccountLinkOptions } from './source-account-link';
import { checkPattern, checkUnique, invalid } from '../private/validation';

/** Who creates the StackSet. */
export enum StackSetCaller {
  /** The organisation's management account. */
  SELF = 'SELF',
  /** A delegated administrator account of CloudFormation StackSets (often the monitoring account). */
  DELEGATED_ADMIN = 'DELEGATED_ADMIN',
}

/** Properties of a {@link SourceLinkStackSet}. */
export interface SourceLinkStackSetProps extends SourceAccountLinkOptions {
  /**
   * The ARN of the monitoring account's sink (`MonitoringAccount.sinkArn`, or the literal
   * ARN). It is passed to each stack instance as the `SinkArn` parameter.
   */
  readonly sinkArn: string;
  /** The OUs (or the root, `r-...`) whose accounts get a link, now and when they join later. */
  readonly organizationalUnitIds: string[];
  /**
   * The Region of the sink: each stack instance links its account in this Region. Deploy one
   * StackSet per monitoring Region.
   * @default - the Region of `sinkArn` when it is a literal ARN (required otherwise)
   */
  readonly region?: string;
  /**
   * Who creates the StackSet.
   * @default StackSetCaller.SELF
   */
  readonly callAs?: StackSetCaller;
  /**
   * The StackSet's name.
   * @default - `<stack name>-source-links`
   */
  readonly stackSetName?: string;
}

/**
 * A service-managed CloudFormation StackSet that deploys a `SourceAccountLink` to every
 * account of the given OUs, and to each account that joins them later (auto-deployment);
 * an account that leaves loses its link. StackSets never deploy to the management account:
 * link it with a `SourceAccountLink` in one of its own stacks.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-manage-auto-deployment.html
 *
 * The template is synthesized inside this construct, from a stack holding only the link:
 * environment-agnostic, without assets or lookups, and checked against the 51,200 bytes of an
 * inline template body (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStackSet.html).
 *
 * @example
 * new SourceLinkStackSet(this, 'SourceLinks', {
 *   sinkArn: 'arn:aws:oam:eu-west-1:111111111111:sink/abcd1234-a123-4567-8901-123456789012',
 *   organizationalUnitIds: ['ou-ab12-11111111'],
 * });
 */
export class SourceLinkStackSet extends Construct {
  /** The StackSet. */
  public readonly stackSet: cloudformation.CfnStackSet;
  /** The template every stack instance deploys (JSON). */
  public readonly templateBody: string;
  /** The Region the links are created in. */
  public readonly region: string;

  public constructor(scope: Construct, id: string, props: SourceLinkStackSetProps) {
    super(scope, id);
    const ous = props.organizationalUnitIds;
    if (ous.length === 0) invalid(this, 'organizationalUnitIds', 'at least one OU or root id', '[]');
    ous.forEach((ou, i) => checkPattern(this, `organizationalUnitIds[${i}]`, ou, OU_OR_ROOT_ID, 'an OU id (ou-xxxx-xxxxxxxx) or a root id (r-xxxx)'));
    checkUnique(this, 'organizationalUnitIds', ous);
    const arnRegion = Token.isUnresolved(props.sinkArn) ? undefined : props.sinkArn.split(':')[3];
    const region = props.region ?? arnRegion;
    if (region === undefined) invalid(this, 'region', 'the sink\'s Region, when sinkArn is not a literal ARN', 'undefined');
    checkPattern(this, 'region', region, /^[a-z]{2}(-[a-z]+)+-\d$/, 'a Region name such as eu-west-1');
    if (arnRegion && !Token.isUnresolved(region) && region !== arnRegion) {
      invalid(this, 'region', `the sink's Region ${arnRegion} (a link and its sink must be in the same Region)`, region);
    }
    this.region = region;
    const stackSetName = props.stackSetName ?? `${Stack.of(this).stackName}-source-links`;
    checkPattern(this, 'stackSetName', stackSetName, /^[a-zA-Z][-a-zA-Z0-9]{0,127}$/, 'a name of letters, digits and dashes starting with a letter');

    this.templateBody = synthesizeLinkTemplate(props);
    const bytes = Buffer.byteLength(this.templateBody, 'utf8');
    if (bytes > MAX_TEMPLATE_BODY_BYTES) invalid(this, 'template body', `at most ${MAX_TEMPLATE_BODY_BYTES} bytes`, bytes);

    this.stackSet = new cloudformation.CfnStackSet(this, 'Resource', {
      stackSetName,
      description: 'Links each account of the organisation to the monitoring account (CloudWatch cross-account observability).',
      permissionModel: 'SERVICE_MANAGED',
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
      callAs: props.callAs ?? StackSetCaller.SELF,
      managedExecution: { Active: true },
      operationPreferences: { failureTolerancePercentage: 10, maxConcurrentPercentage: 25, regionConcurrencyType: 'PARALLEL' },
      parameters: [{ parameterKey: 'SinkArn', parameterValue: props.sinkArn }],
      stackInstancesGroup: [{ deploymentTargets: { organizationalUnitIds: ous }, regions: [region] }],
      templateBody: this.templateBody,
    });
  }
}

/** The template of a stack holding only the link, synthesized in an app of its own. */
function synthesizeLinkTemplate(options: SourceAccountLinkOptions): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'watchkeeper-source-link-'));
  try {
    const app = new App({ outdir, analyticsReporting: false });
    const stack = new Stack(app, 'SourceLink', { synthesizer: new BootstraplessSynthesizer(), analyticsReporting: false });
    const sinkArn = new CfnParameter(stack, 'SinkArn', { type: 'String', description: 'The ARN of the monitoring account\'s sink' });
    new SourceAccountLink(stack, 'Link', {
      sinkArn: sinkArn.valueAsString,
      sharedTelemetry: options.sharedTelemetry,
      metricNamespaces: options.metricNamespaces,
      logGroupNamePrefixes: options.logGroupNamePrefixes,
      labelTemplate: options.labelTemplate,
    });
    return JSON.stringify(app.synth().getStackByName(stack.stackName).template);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}
