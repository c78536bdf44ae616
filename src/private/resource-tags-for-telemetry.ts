import { Annotations, CfnResource } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { accountRegionOf } from './account-region';

/**
 * The CloudFormation type that turns on resource tags for telemetry, one per account and
 * Region (its primary identifier is `Scope`, whose only value is `ACCOUNT`: cfn-lint's schema
 * of AWS::ObservabilityAdmin::TelemetryEnrichment).
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/resource-tags-for-telemetry.html
 */
export const TELEMETRY_ENRICHMENT_TYPE = 'AWS::ObservabilityAdmin::TelemetryEnrichment';

/** Every telemetry enrichment resource of the app of `scope` (ours, or an L1 of the user's). */
export function telemetryEnrichments(scope: IConstruct): CfnResource[] {
  return scope.node.root.node.findAll()
    .filter((c): c is CfnResource => CfnResource.isCfnResource(c) && c.cfnResourceType === TELEMETRY_ENRICHMENT_TYPE);
}

/**
 * True when the app of `scope` turns on resource tags for telemetry where `scope` deploys:
 * in the same account and Region, or where either side's environment is unknown at synth.
 */
export function hasTelemetryEnrichmentFor(scope: IConstruct): boolean {
  const here = accountRegionOf(scope).key;
  return telemetryEnrichments(scope).some(e => {
    const there = accountRegionOf(e).key;
    return there === here || there.includes('?') || here.includes('?');
  });
}

/**
 * At synth, warns on `alarm` (acknowledgeable) unless the app turns on resource tags for
 * telemetry for its account and Region: a `tag.` filter matches nothing without them.
 */
export function warnUnlessResourceTagsForTelemetry(alarm: IConstruct, sql: string): void {
  alarm.node.addValidation({
    validate: () => {
      if (!hasTelemetryEnrichmentFor(alarm)) {
        Annotations.of(alarm).addWarningV2('cdk-watchkeeper:MetricsInsights.resourceTagsForTelemetry',
          `The query filters or groups on a resource tag (${sql}). Metrics carry resource tags only when resource tags for telemetry `
          + 'are turned on in the account and Region, and nothing in this app turns them on: the query matches nothing until they are. '
          + 'Add a ResourceTagsForTelemetry (or FleetAlarms with enableResourceTagsForTelemetry), or turn them on once per account and Region '
          + '(https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/EnableResourceTagsOnTelemetry.html) and acknowledge this warning. '
          + 'Tags of new resources can take up to 3 hours to appear.');
      }
      return [];
    },
  });
}
