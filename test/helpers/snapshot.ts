import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

const ASSET_HASH = /[0-9a-f]{64}(\.zip|\.json)?/g;

/**
 * The stack's template with what changes from build to build scrubbed, so a golden
 * snapshot only changes when the construct does: asset hashes (Lambda bundles, custom
 * resource code) and the bootstrap version rule/parameter.
 */
export function stableTemplate(stack: Stack): unknown {
  const template = Template.fromStack(stack).toJSON();
  delete template.Parameters?.BootstrapVersion;
  delete template.Rules?.CheckBootstrapVersion;
  if (template.Parameters && Object.keys(template.Parameters).length === 0) delete template.Parameters;
  if (template.Rules && Object.keys(template.Rules).length === 0) delete template.Rules;
  return JSON.parse(JSON.stringify(template).replace(ASSET_HASH, (_m, ext) => `[ASSET HASH]${ext ?? ''}`));
}
