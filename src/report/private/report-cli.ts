// `cdk-watchkeeper-report`: compares the monitoring reports of two synths, or rehearses a synth's alarms.
import * as fs from 'fs';
import * as path from 'path';
import { REHEARSE_USAGE, rehearseMain } from './rehearse-cli';
import { diffReports } from './report-diff.pure';
import type { ReportModel } from './report-model.pure';

const USAGE = `Usage: cdk-watchkeeper-report diff OLD_CDK_OUT NEW_CDK_OUT

Lists the alarms added, removed or changed (threshold, evaluation, actions, severity) and the
change in estimated monthly cost between two synths, as Markdown for a pull request. Each
directory is a cloud assembly synthesized with MonitoringReport in the app (it holds
monitoring-report.json); a path to a monitoring-report.json file works too.

${REHEARSE_USAGE}`;

function load(where: string): ReportModel {
  const file = fs.existsSync(where) && fs.statSync(where).isDirectory() ? path.join(where, 'monitoring-report.json') : where;
  if (!fs.existsSync(file)) {
    throw new Error(`${file} not found: synthesize the app with MonitoringReport.of(app) first`);
  }
  return JSON.parse(fs.readFileSync(file, 'utf-8'));
}

/** Runs the command; returns the exit code. */
export function main(argv: string[], out: (text: string) => void = t => process.stdout.write(t),
  err: (text: string) => void = t => process.stderr.write(t)): number {
  if (argv[0] === '--help' || argv[0] === '-h') {
    out(`${USAGE}\n`);
    return 0;
  }
  if (argv[0] === 'rehearse') return rehearseMain(argv.slice(1), out, err);
  if (argv[0] !== 'diff' || argv.length !== 3) {
    err(`${USAGE}\n`);
    return 2;
  }
  try {
    out(diffReports(load(argv[1]), load(argv[2])));
    return 0;
  } catch (e) {
    err(`cdk-watchkeeper-report: ${(e as Error).message}\n`);
    return 1;
  }
}
