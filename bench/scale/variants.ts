import { Stack, aws_autoscaling as autoscaling, aws_kms as kms, aws_sns as sns } from 'aws-cdk-lib';
import { monitorWithPeer } from './peer';
import { benchAgentMetrics } from './agent';
import { AgentConfig, AlarmRouting, AlertTopic, FleetAlarms, FleetOverviewDashboard, MonitoredService, ServiceAlarmOptions, ServiceCompute } from '../../src';

/** One way of monitoring a service, for the benchmark. */
export interface Variant {
  /** Creates what every service of a stack shares (the notification topic); returns it. */
  shared(stack: Stack): unknown;
  /** Adds the monitoring of one service around its Auto Scaling group. */
  service(stack: Stack, id: string, asg: autoscaling.AutoScalingGroup, shared: unknown): void;
}

function encryptedTopic(stack: Stack): sns.ITopic {
  return new sns.Topic(stack, 'Alerts', { masterKey: new kms.Key(stack, 'AlertsKey', { enableKeyRotation: true }) });
}

/**
 * The peer's alarm set, expressed with our presets: CPU, memory, disk (/), status check and
 * in-service capacity, per group. (Our other presets are turned off to compare like with like:
 * the peer has no CPU credit alarm either. Said explicitly, since the group's instance type is
 * not passed: left unset, each service would note at synth that it has no credit alarm.)
 */
const SAME_ALARMS: ServiceAlarmOptions = {
  cpuCreditBalance: { enabled: false },
  instanceStatusCheck: { enabled: false },
  attachedEbsStatusCheck: { enabled: false },
  swap: { enabled: false },
};

interface Shared { readonly alerts: AlertTopic; readonly fleet?: FleetOverviewDashboard }

function watchkeeper(fleetDashboard: boolean, serviceDashboards = !fleetDashboard): Variant {
  return {
    shared: (stack): Shared => ({
      alerts: new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] }),
      fleet: fleetDashboard ? new FleetOverviewDashboard(stack, 'Fleet', { perServiceGraphs: false }) : undefined,
    }),
    service: (stack, id, asg, shared) => {
      const { alerts, fleet } = shared as Shared;
      const service = new MonitoredService(stack, id, {
        alertTopic: alerts,
        compute: ServiceCompute.existingAutoScalingGroup(asg, { role: asg.role }),
        agentMetrics: benchAgentMetrics(),
        alarms: SAME_ALARMS,
        dashboard: serviceDashboards,
      });
      fleet?.addService(service);
    },
  };
}

/** Services per FleetAlarms: 500 groups is the most one agent query returns (one disk path each). */
const SERVICES_PER_FLEET = 500;
const fleets = new WeakMap<object, { fleet?: FleetAlarms; services: number }>();

/**
 * The same five signals (CPU, memory, disk, status check, capacity as reporting
 * instances) as one Metrics Insights alarm per signal for up to 500 services: the services
 * add no alarm of their own, only a tag on their group. A topic per stack, like the others.
 */
const fleetAlarms: Variant = {
  shared: (stack) => new AlertTopic(stack, 'Alerts', { emails: ['oncall@example.com'] }),
  service: (stack, _id, asg, shared) => {
    const state = fleets.get(stack.node.root) ?? { services: 0 };
    fleets.set(stack.node.root, state);
    if (state.services % SERVICES_PER_FLEET === 0) {
      const k = state.services / SERVICES_PER_FLEET;
      state.fleet = new FleetAlarms(stack, `Fleet${k}`, {
        routing: AlarmRouting.toTopic(shared as AlertTopic),
        fleetName: `bench-${k}`,
        agentMetrics: new AgentConfig({ namespace: `Bench/Agent${k}` }),
      });
    }
    state.services += 1;
    state.fleet!.addAutoScalingGroup(asg);
  },
};

export const VARIANTS: Record<string, Variant> = {
  /** The Auto Scaling groups alone: subtracted from the others to isolate monitoring. */
  'baseline': { shared: encryptedTopic, service: () => undefined },
  'cdk-monitoring-constructs': { shared: encryptedTopic, service: (s, id, asg, topic) => monitorWithPeer(s, id, asg, topic as sns.ITopic) },
  'cdk-watchkeeper': watchkeeper(false),
  'cdk-watchkeeper, fleet dashboard': watchkeeper(true),
  'cdk-watchkeeper, fleet alarms': fleetAlarms,
  'cdk-monitoring-constructs, no dashboard': { shared: encryptedTopic, service: (s, id, asg, topic) => monitorWithPeer(s, id, asg, topic as sns.ITopic, false) },
  'cdk-watchkeeper, no dashboard': watchkeeper(false, false),
};

/**
 * Variants that take a configuration apart (the alarms without the dashboards), measured only
 * when BENCH_VARIANTS names them.
 */
export const BREAKDOWN_VARIANTS: ReadonlySet<string> = new Set(['cdk-monitoring-constructs, no dashboard', 'cdk-watchkeeper, no dashboard']);

/**
 * The variants a run measures besides the baseline: the ones BENCH_VARIANTS names (|-separated),
 * else every one but the breakdowns.
 */
export function measuredVariants(): string[] {
  const only = process.env.BENCH_VARIANTS?.split('|');
  return Object.keys(VARIANTS).filter(v => v !== 'baseline' && (only ? only.includes(v) : !BREAKDOWN_VARIANTS.has(v)));
}

/** The variant every other is compared with. */
export const PEER = 'cdk-monitoring-constructs';

/** Variants measured only at fleet scale (services spread 25 per stack, as ServiceStacks does). */
export const FLEET_VARIANT = 'cdk-watchkeeper, fleet dashboard';
export const FLEET_SERVICES_PER_STACK = 25;
