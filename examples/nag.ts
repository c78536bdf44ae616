// Every cdk-nag pack the library gates on, registered so that a finding fails the synth.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';

/** Registers the AwsSolutions, NIST 800-53 rev 5, HIPAA Security and PCI DSS 3.2.1 packs on the app. */
export function registerNagPacks(app: App): void {
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app),
    new NIST80053R5Checks(app),
    new HIPAASecurityChecks(app),
    new PCIDSS321Checks(app),
  );
}
