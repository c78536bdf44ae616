// `cdk-watchkeeper-report`: compares the monitoring reports of two synths, or rehearses a synth's alarms.
import * as fs from 'fs';
import * as path from 'path';
import { REHEARSE_USAGE, rehearseMain } from './rehearse-cli';
import { diffReports } from './report-diff.pure';
import { ReportFileError, parseReport } from './report-file.pure';
import type { ReportModel } from './report-model.pure';

const USAGE = `Usage: cdk-watchkeeper-report diff OLD_CDK_OUT NEW_CDK_OUT

Lists, as Markdown for a pull request, what changed in the monitoring between two synths:
alarms added, removed or changed (threshold, evaluation, actions, severity, runbook,
recipients); agent configuration (plugins, metrics, log files); dashboards; topics and
subscriptions; log groups and retention; schedules, mute rules and idle settings;
EventBridge notifications and trails; and the estimated monthly cost line by line with
quantities. Each directory is a cloud assembly synthesized with MonitoringReport in the app
(it holds monitoring-report.json); a path to a monitoring-report.json file works too.

Exit status: 0 when the reports were compared, 2 for bad input (one line on standard error
names the file and what is wrong), 1 for anything else.

${REHEARSE_USAGE}`;

/** Reads one report: a cloud assembly directory or the file itself. Throws ReportFileError for bad input. */
function load(where: string): ReportModel {
  const isDirectory = fs.existsSync(where) && fs.statSync(where).isDirectory();
  const file = isDirectory ? path.join(where, 'monitoring-report.json') : where;
  if (!fs.existsSync(file)) {
    throw new ReportFileError(isDirectory
      ? `${file}: not found: synthesize the app with MonitoringReport.of(app) first`
      : `${file}: no such file or directory`);
  }
  if (fs.statSync(file).isDirectory()) throw new ReportFileError(`${file}: a directory, not a monitoring-report.json`);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf-8');
  } catch (e) {
    throw new ReportFileError(`${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseReport(text, file);
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
    const message = e instanceof Error ? e.message : String(e);
    err(`cdk-watchkeeper-report: ${message.split('\n')[0]}\n`);
    return e instanceof ReportFileError ? 2 : 1;
  }
}
