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
  /** Custom metric series at the group's maximum size, when it differs. */
  readonly customMetricSeriesMax?: number;
  /** Custom metric series an application publishes itself (PutMetricData or EMF). */
  readonly appMetricSeries?: number;
  /** PutMetricData requests per month an application makes. */
  readonly putMetricDataRequests?: number;
  /** EMF events ingested per month, GB (log ingestion). */
  readonly emfGb?: number;
  /** The same metrics' cost the other way, for the report's comparison: `putMetricData` or `emf`. */
  readonly appMetricsAlternative?: {
    readonly putMetricDataRequests: number; readonly emfGb: number; readonly via: string; readonly namespace: string;
  };
  /** Instances with EC2 detailed monitoring (usual size), and at the group's maximum. */
  readonly detailedMonitoringInstances?: number;
  readonly detailedMonitoringInstancesMax?: number;
  /** Logs Insights queries a dashboard runs on each load: the groups and hours they scan. */
  readonly logsInsightsScans?: Array<{ readonly logGroups: IConstruct[]; readonly hours: number }>;
  /** Namespaces the app may publish into with PutMetricData (granted), and those declared. */
  readonly putMetricDataGranted?: string[];
  readonly appMetricsDeclared?: string[];
  /** One line per contributor for the report's detail section. */
  readonly detail?: string;
}

const registry = new WeakMap<IConstruct, () => ContributedUsage>();

/** Declares the usage a construct contributes; the callback runs at synth (several callbacks add up). */
export function registerUsage(construct: IConstruct, usage: () => ContributedUsage): void {
  const before = registry.get(construct);
  registry.set(construct, before ? () => mergeUsage(before(), usage()) : usage);
}

function mergeUsage(a: ContributedUsage, b: ContributedUsage): ContributedUsage {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    if (typeof v === 'number' && typeof prev === 'number') out[k] = prev + v;
    else if (Array.isArray(v) && Array.isArray(prev)) out[k] = [...prev, ...v];
    else if (typeof v === 'string' && typeof prev === 'string') out[k] = `${prev}; ${v}`;
    else out[k] = v;
  }
  return out as ContributedUsage;
}

/** The usage every construct under `scope` declared, with the construct it came from. */
export function collectUsage(scope: IConstruct): Array<{ construct: IConstruct; usage: ContributedUsage }> {
  return scope.node.findAll()
    .filter(c => registry.has(c))
    .map(c => ({ construct: c, usage: registry.get(c)!() }));
}
