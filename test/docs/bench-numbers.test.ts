import { disagreements, Facts } from './checked-numbers';
import { build as buildOrganisation } from '../../bench/org/accounts';
import { PER_STACK, build as buildFleet } from '../../bench/scale/fleet-cost';

/** The fleet the docs compare per-service alarms and fleet alarms on (`npm run bench:fleet-cost`). */
const SERVICES = 200;

function fleetCostFacts(facts: Facts): void {
  const base = buildFleet('baseline', SERVICES);
  const perService = buildFleet('cdk-watchkeeper, fleet dashboard', SERVICES);
  const fleet = buildFleet('cdk-watchkeeper, fleet alarms', SERVICES);
  for (const [name, variant] of [['perService', perService], ['fleet', fleet]] as const) {
    facts.set(`bench.fleetCost.${name}.resources`, variant.resources - base.resources);
    facts.set(`bench.fleetCost.${name}.resourcesPerService`, (variant.resources - base.resources) / SERVICES);
    facts.set(`bench.fleetCost.${name}.usd`, variant.usd);
  }
  const alarm = (r: { type: string }) => r.type === 'AWS::CloudWatch::Alarm' || r.type === 'AWS::CloudWatch::CompositeAlarm';
  // What deploying one more service adds: the alarms of one service.
  facts.set('bench.fleetCost.perService.alarmsPerService', perService.resourceList.filter(r => alarm(r) && r.path.startsWith('Services0/Svc0/')).length);
  // What it changes with fleet alarms: the threshold of each partition's reporting-instances alarm.
  facts.set('bench.fleetCost.fleet.reportingAlarms', fleet.resourceList.filter(r => alarm(r) && r.path.includes('/ReportingInstances/')).length);
  // The partition tagger of each stack: its construct, its log group's key, and the custom resource of each fleet.
  facts.set('bench.fleetCost.fleet.taggerResources', fleet.resourceList
    .filter(r => /\/(WatchkeeperPartitionTagger|WatchkeeperLogGroupKey)\/|PartitionTags/.test(r.path)).length);
  facts.set('bench.fleetCost.stacks', new Set(fleet.resourceList.map(r => r.path.split('/')[0])).size);
  expect(facts.get('bench.fleetCost.stacks')).toBe(SERVICES / PER_STACK);
}

describe('Benchmark numbers in docs', () => {
  const facts: Facts = new Map();
  beforeAll(() => {
    fleetCostFacts(facts);
    facts.set('bench.org.resources.1', buildOrganisation(1).resources);
  }, 600_000);

  test('every number quoted from a benchmark says what the benchmark function produces', () => {
    const { checked, problems } = disagreements(facts, ['bench.']);
    expect(problems).toEqual([]);
    expect(checked.length).toBeGreaterThanOrEqual(10);
  });

  test('the monitoring account holds the same resources for 1 and 1,000 accounts, as the docs say', () => {
    expect(buildOrganisation(1000).resources).toBe(facts.get('bench.org.resources.1'));
  });
});
