import { App, Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { IConstruct } from 'constructs';

/**
 * Runs the four cdk-nag packs (AwsSolutions, NIST 800-53 rev 5, HIPAA Security, PCI DSS 3.2.1)
 * over the app that holds `scope` and returns every unacknowledged finding, errors and
 * warnings alike, as `Rule at construct/path` lines so a failure says what to fix.
 *
 * `validateScope` reports the same findings on every aws-cdk-lib version, unlike the
 * synth-time plugin hook, so the gate cannot silently stop running.
 */
export function nagFindings(scope: IConstruct): string[] {
  const root = scope.node.root;
  if (App.isApp(root)) {
    root.synth();
  }
  const packs = [new AwsSolutionsChecks(), new NIST80053R5Checks(), new HIPAASecurityChecks(), new PCIDSS321Checks()];
  const findings = packs.flatMap(pack => (pack.validateScope(root).violations ?? [])
    .flatMap(v => v.violatingResources.map(r => `${v.ruleName} at ${r.constructPath ?? r.resourceLogicalId}`)));
  return [...new Set(findings)].sort();
}

/** Fails the test with every finding listed when any pack reports anything for the stack's app. */
export function expectNagClean(stack: Stack): void {
  expect(nagFindings(stack)).toEqual([]);
}
