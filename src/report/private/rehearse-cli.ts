// `cdk-watchkeeper-report rehearse CDK_OUT [--scenario NAME|FILE]...`: rehearses the app's
// alarms over stock or user scenarios and prints, per scenario, who was notified, when and why,
// and every expectation that failed.
import * as fs from 'fs';
import { readAssembly } from '../../rehearsal/assembly';
import { prepareApp, rehearse } from '../../rehearsal/rehearse.pure';
import { renderRehearsal, summarize } from '../../rehearsal/render.pure';
import { ScenarioResult } from '../../rehearsal/results.pure';
import { Scenario, scenarioProblems } from '../../rehearsal/scenario.pure';
import { STOCK_SCENARIOS, stockScenario } from '../../rehearsal/stock-scenarios.pure';

export const REHEARSE_USAGE = `Usage: cdk-watchkeeper-report rehearse CDK_OUT [--scenario NAME|FILE]... [--json]

Rehearses the synthesized alarms of CDK_OUT (a cloud assembly) minute by minute over a model of
its fleet, and prints per scenario the notifications (time, alarm, state, severity, recipients,
contributor, EC2 action) and every expectation that failed. Without --scenario it runs every
stock scenario: ${STOCK_SCENARIOS.map(s => s.name).join(', ')}.
A FILE is a JSON scenario (see the README, "Rehearsal"). --json prints every scenario's
whole result instead (a JSON array: scenario, notifications, silenced transitions, activity,
failures), for a pipeline to assert on. Exits 1 when an expectation fails, 2 on bad input.`;

/** Thrown for input the command cannot use: printed as one line, exit code 2. */
export class BadInput extends Error {}

/** Reads the scenarios the arguments name. */
export function scenariosOf(names: readonly string[]): Scenario[] {
  if (names.length === 0) return [...STOCK_SCENARIOS];
  return names.map(name => {
    const stock = stockScenario(name);
    if (stock) return stock;
    if (!fs.existsSync(name)) {
      throw new BadInput(`--scenario ${name} is neither a stock scenario (${STOCK_SCENARIOS.map(s => s.name).join(', ')}) nor a file`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(fs.readFileSync(name, 'utf-8'));
    } catch (e) {
      throw new BadInput(`${name} is not valid JSON: ${(e as Error).message}`);
    }
    const problems = scenarioProblems(parsed);
    if (problems.length) throw new BadInput(`${name}: ${problems.join('; ')}`);
    return parsed as Scenario;
  });
}

/** Rehearses the scenarios over an assembly; each scenario's whole result. */
export function rehearseAssembly(dir: string, scenarios: readonly Scenario[]): ScenarioResult[] {
  let app;
  try {
    app = prepareApp(readAssembly(dir));
  } catch (e) {
    throw new BadInput((e as Error).message);
  }
  return scenarios.map(s => rehearse(app, s));
}

/** Runs `rehearse` with its arguments (after the word `rehearse`); returns the exit code. */
export function rehearseMain(args: readonly string[], out: (text: string) => void, err: (text: string) => void): number {
  const names: string[] = [];
  let dir: string | undefined;
  let json = false;
  try {
    for (let i = 0; i < args.length; i++) {
      if (args[i] === '--json') {
        json = true;
      } else if (args[i] === '--scenario') {
        if (args[i + 1] === undefined) throw new BadInput('--scenario needs a stock scenario name or a JSON file');
        names.push(args[++i]);
      } else if (args[i].startsWith('-')) {
        throw new BadInput(`unknown option ${args[i]}`);
      } else if (dir === undefined) {
        dir = args[i];
      } else {
        throw new BadInput(`one cloud assembly at a time, got ${dir} and ${args[i]}`);
      }
    }
    if (dir === undefined) throw new BadInput('give the cloud assembly to rehearse, e.g. cdk.out');
    const results = rehearseAssembly(dir, scenariosOf(names));
    const summaries = results.map(summarize);
    out(json ? `${JSON.stringify(results)}\n` : renderRehearsal(summaries));
    return summaries.some(s => s.verdict === 'FAILED') ? 1 : 0;
  } catch (e) {
    if (e instanceof BadInput) {
      err(`cdk-watchkeeper-report rehearse: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
