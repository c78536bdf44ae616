import { CfnResource, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { accountRegionOf } from '../private/account-region';
import { TELEMETRY_ENRICHMENT_TYPE, telemetryEnrichments } from '../private/resource-tags-for-telemetry';
import { invalidMessage } from '../private/validation';

/** Properties of {@link ResourceTagsForTelemetry}. */
export interface ResourceTagsForTelemetryProps {
  /**
   * What happens to the setting when the resource leaves the stack. Deleting it turns resource
   * tags for telemetry off for the whole account and Region, under every other app's
   * tag-filtered queries too, so it is kept by default.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Turns on resource tags for telemetry in the account and Region of its stack
 * (`AWS::ObservabilityAdmin::TelemetryEnrichment`): CloudWatch then attaches the tags of
 * EC2 instances (and other resources) to their metrics, which is what a Metrics Insights
 * `WHERE tag.<key> = ...` filter matches. Without it such a query matches nothing.
 *
 * One per account and Region: a second one (in this app or another) fails at deploy, so an
 * app holds at most one per account and Region (checked at synth) and {@link ensure} reuses
 * it. CloudWatch discovers resources and their tags through a Resource Explorer managed
 * view; a tag can take up to 3 hours to appear on metrics, after the first deploy and after
 * every tag change.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/resource-tags-for-telemetry.html
 *
 * @example
 * new ResourceTagsForTelemetry(this, 'ResourceTags');
 */
export class ResourceTagsForTelemetry extends Construct {
  /**
   * The app's `ResourceTagsForTelemetry` for the account and Region of the stack of `scope`,
   * created in that stack when there is none yet.
   */
  public static ensure(scope: Construct): ResourceTagsForTelemetry {
    const here = accountRegionOf(scope).key;
    const existing = scope.node.root.node.findAll()
      .find((c): c is ResourceTagsForTelemetry => c instanceof ResourceTagsForTelemetry && accountRegionOf(c).key === here);
    return existing ?? new ResourceTagsForTelemetry(Stack.of(scope), 'ResourceTagsForTelemetry');
  }

  /** The `AWS::ObservabilityAdmin::TelemetryEnrichment` resource. */
  public readonly resource: CfnResource;

  public constructor(scope: Construct, id: string, props: ResourceTagsForTelemetryProps = {}) {
    super(scope, id);
    // A plain CfnResource: the oldest aws-cdk-lib this library supports may lack the L1.
    // Scope is required and ACCOUNT is its only value (cfn-lint's resource schema).
    this.resource = new CfnResource(this, 'Resource', {
      type: TELEMETRY_ENRICHMENT_TYPE,
      properties: { Scope: 'ACCOUNT' },
    });
    this.resource.applyRemovalPolicy(props.removalPolicy ?? RemovalPolicy.RETAIN);
    this.node.addValidation({ validate: () => this.checkOnePerAccountRegion() });
  }

  private checkOnePerAccountRegion(): string[] {
    const here = accountRegionOf(this);
    const same = telemetryEnrichments(this).filter(e => accountRegionOf(e).key === here.key);
    // Reported once, by the first of this library's resources (another may be a plain L1).
    const ours = same.filter(e => e.node.scope instanceof ResourceTagsForTelemetry);
    if (same.length <= 1 || ours[0] !== this.resource) return [];
    return [invalidMessage(this, `telemetry enrichments in ${here.description}`,
      'one per account and Region (CloudFormation fails on a second one): keep one, or use ResourceTagsForTelemetry.ensure',
      same.map((e: IConstruct) => e.node.path).join(', '))];
  }
}
