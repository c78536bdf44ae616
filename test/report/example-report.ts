import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { ExampleServiceStack } from '../../examples/example-stack';
import { CostReport, MonitoringReport } from '../../src';

/** The example app (with its cost report and the monitoring report) synthesized into a temporary cloud assembly. */
export interface SynthesizedExample {
  readonly outdir: string;
  readonly template: Record<string, any>;
  readonly costReport: CostReport;
  readonly filesBeforeSynth: string[];
}

export function synthExample(): SynthesizedExample {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'watchkeeper-report-'));
  const app = new App({ outdir });
  const stack = new ExampleServiceStack(app, 'WatchkeeperExample');
  const costReport = stack.costReport;
  MonitoringReport.of(app);
  const filesBeforeSynth = fs.readdirSync(outdir);
  const template = app.synth().getStackByName(stack.stackName).template;
  return { outdir, template, costReport, filesBeforeSynth };
}
