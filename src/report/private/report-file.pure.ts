// Reading a monitoring-report.json someone hands the CLI: every way it can be wrong becomes
// one line naming the file and what is wrong. Pure: no CDK, no I/O.
import type { ReportModel } from './report-model.pure';
import { REPORT_SCHEMA, REPORT_SCHEMA_VERSION } from './report-model.pure';

/** Bad input to the CLI: the message is one line that names the file. */
export class ReportFileError extends Error {
  public readonly name = 'ReportFileError';
  public constructor(message: string) {
    super(message);
    Object.setPrototypeOf(this, ReportFileError.prototype);
  }
}

/** The oldest layout the diff still reads: version 1, the reports written before they carried a version. */
export const OLDEST_SCHEMA_VERSION = 1;

/** The sections of a stack the report has carried since version 1 (lists of entries with a `path`). */
const STACK_SECTIONS = ['alarms', 'topics', 'logGroups', 'agents', 'schedules', 'idleShutdown', 'notifications', 'trails', 'dashboards'];

const isObject = (x: unknown): x is Record<string, any> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * The report in `text`, read from `file`, checked enough that comparing it cannot fail on its
 * shape. Throws {@link ReportFileError} for text that is not JSON, JSON that is not a
 * monitoring report, and a report of a layout newer than this code reads.
 */
export function parseReport(text: string, file: string): ReportModel {
  const fail = (what: string): never => {
    throw new ReportFileError(`${file}: ${what}`);
  };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    fail(`not valid JSON (${(e as Error).message.split('\n')[0]})`);
  }
  const notAReport = 'not a monitoring report: expected the monitoring-report.json that MonitoringReport writes into the cloud assembly';
  if (!isObject(json)) return fail(`${notAReport}, found ${Array.isArray(json) ? 'a list' : `a JSON ${json === null ? 'null' : typeof json}`}`);
  if (json.schema !== undefined && json.schema !== REPORT_SCHEMA) fail(`${notAReport}, found the schema ${JSON.stringify(json.schema)}`);
  if (!Array.isArray(json.stacks) || !Array.isArray(json.costs)) {
    fail(`${notAReport}, found an object without ${Array.isArray(json.stacks) ? '"costs"' : '"stacks"'} (keys: ${Object.keys(json).slice(0, 6).join(', ') || 'none'})`);
  }
  const version = json.schemaVersion ?? OLDEST_SCHEMA_VERSION;
  if (!Number.isInteger(version) || version < OLDEST_SCHEMA_VERSION) fail(`schemaVersion must be a whole number from ${OLDEST_SCHEMA_VERSION}, got ${JSON.stringify(version)}`);
  if (version > REPORT_SCHEMA_VERSION) {
    fail(`written by a newer cdk-watchkeeper (report schema version ${version}; this cdk-watchkeeper-report reads versions ${OLDEST_SCHEMA_VERSION} to ${REPORT_SCHEMA_VERSION}): `
      + 'compare it with the cdk-watchkeeper-report of the version that wrote it');
  }
  json.stacks.forEach((s: unknown, i: number) => {
    const where = `stacks[${i}]`;
    if (!isObject(s) || typeof s.stackName !== 'string') fail(`${where} is not a stack of a monitoring report (no "stackName")`);
    const stack = s as Record<string, any>;
    if (!Array.isArray(stack.alarms)) fail(`${where} (${stack.stackName}) has no "alarms" list`);
    for (const section of STACK_SECTIONS) {
      const entries = stack[section];
      if (entries === undefined) continue;
      if (!Array.isArray(entries)) fail(`${where}.${section} must be a list, got ${typeof entries}`);
      entries.forEach((e: unknown, j: number) => {
        if (!isObject(e) || typeof e.path !== 'string') fail(`${where}.${section}[${j}] has no "path"`);
      });
    }
  });
  json.costs.forEach((c: unknown, i: number) => {
    if (!isObject(c) || typeof c.totalMonthlyUsd !== 'number' || !Array.isArray(c.lines)) fail(`costs[${i}] is not a cost estimate (no "totalMonthlyUsd" and "lines")`);
    (c as Record<string, any>).lines.forEach((l: unknown, j: number) => {
      if (!isObject(l) || typeof l.item !== 'string' || typeof l.monthlyUsd !== 'number') fail(`costs[${i}].lines[${j}] has no "item" and "monthlyUsd"`);
    });
  });
  return { ...json, schema: REPORT_SCHEMA, schemaVersion: version } as ReportModel;
}
