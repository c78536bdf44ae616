import { IConstruct } from 'constructs';

/**
 * Monthly usage a construct adds that cannot be read from its CloudFormation resources
 * (agent metric series, Lambda runs, API calls). Constructs register a callback; the cost
 * report calls it at synth, when the construct's configuration is final.
 */
export interface ContributedUsage {
  /** Custom metric series published per month. */
  readonly customMetricSeries?: number;
  /** Metrics requested through GetMetricData per month. */
  readonly getMetricDataMetrics?: number;
  /** Lambda invocations per month. */
  readonly lambdaInvocations?: number;
  /** Lambda GB-seconds per month. */
  readonly lambdaGbSeconds?: number;
  /** One line per contributor for the report's detail section. */
  readonly detail?: string;
}

const registry = new WeakMap<IConstruct, () => ContributedUsage>();

/** Declares the usage a construct contributes; the callback runs at synth. */
export function registerUsage(construct: IConstruct, usage: () => ContributedUsage): void {
  registry.set(construct, usage);
}

/** The usage every construct under `scope` declared, with the construct it came from. */
export function collectUsage(scope: IConstruct): Array<{ construct: IConstruct; usage: ContributedUsage }> {
  return scope.node.findAll()
    .filter(c => registry.has(c))
    .map(c => ({ construct: c, usage: registry.get(c)!() }));
}
