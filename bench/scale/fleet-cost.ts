// Per-service alarms against fleet alarms for the same fleet: monitoring resources, the cost
// report's monthly estimate, and whether adding a service changes any alarm. Prints a
// Markdown table (docs/benchmarks.md and docs/fleet.md quote it; test/docs/bench-numbers.test.ts checks the quotes).
import { App, CfnResource } from 'aws-cdk-lib';
import { addServices } from './app';
import { FLEET_SERVICES_PER_STACK } from './variants';
import { CostReport } from '../../src';

/** Services per stack, as `ServiceStacks` spreads them by default. */
export const PER_STACK = FLEET_SERVICES_PER_STACK;

/** What one variant of the fleet costs: its resources, its alarms and the cost report's estimate. */
export interface FleetCost {
  /** Resources in all the templates. */
  readonly resources: number;
  /** Each alarm as `stack/logicalId:properties`, to compare two builds. */
  readonly alarms: string[];
  /** The cost report's monthly estimate, USD. */
  readonly usd: number;
  /** Every resource's construct path and type (the docs test counts resources by what creates them). */
  readonly resourceList: Array<{ readonly path: string; readonly type: string }>;
}

/** Builds `services` Auto Scaling groups watched the way `variant` does, 25 to a stack, and synthesizes them. */
export function build(variant: string, services: number): FleetCost {
  const app = new App();
  addServices(app, variant, services, { maxCapacity: 2 });
  const report = new CostReport(app, 'Cost', { metricsInsightsSeriesPerAlarm: 1 });
  const assembly = app.synth();
  let resources = 0; const alarms: string[] = [];
  for (const s of assembly.stacks) {
    for (const [id, r] of Object.entries<any>(s.template.Resources ?? {})) {
      resources++;
      if (r.Type === 'AWS::CloudWatch::Alarm' || r.Type === 'AWS::CloudWatch::CompositeAlarm') alarms.push(`${s.stackName}/${id}:${JSON.stringify(r.Properties)}`);
    }
  }
  const resourceList = app.node.findAll()
    .filter((c): c is CfnResource => CfnResource.isCfnResource(c) && c.cfnResourceType !== 'AWS::CDK::Metadata')
    .map(c => ({ path: c.node.path, type: c.cfnResourceType }));
  return { resources, alarms, usd: report.totalMonthlyUsd(), resourceList };
}

/** Prints the comparison of the two variants for `SERVICES` services as a Markdown table. */
function printTable(SERVICES: number): void {
  const rows: string[] = [];
  for (const variant of ['cdk-watchkeeper, fleet dashboard', 'cdk-watchkeeper, fleet alarms']) {
    const base = build('baseline', SERVICES).resources;
    const full = build(variant, SERVICES);
    const plusOne = build(variant, SERVICES + 1);
    const before = new Set(full.alarms);
    const changed = plusOne.alarms.filter(a => !before.has(a)).length;
    rows.push(`| ${variant} | ${SERVICES} | ${full.resources - base} | ${((full.resources - base) / SERVICES).toFixed(2)} | $${full.usd.toFixed(2)} | ${changed === 0 ? 'no' : `yes (${changed} alarms added or changed)`} |`);
  }
  console.log(`| variant | services (groups of 1-2 instances) | monitoring resources | per service | monthly estimate (cost report) | adding a service changes alarms |`);
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const r of rows) console.log(r);
}

if (require.main === module) printTable(Number(process.argv[2] ?? 200));
