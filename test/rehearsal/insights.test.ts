// Metrics Insights queries as alarms run them:
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-metrics-insights-querylanguage.html
import { MAX_SERIES, groupSeries, matchedSeries, parseInsightsQuery, runQuery } from '../../src/rehearsal/insights.pure';
import { MetricStore } from '../../src/rehearsal/store.pure';

function store(instances: Array<{ id: string; cpu: number; tags?: Record<string, string>; group?: string }>) {
  const s = new MetricStore(60);
  s.want('AWS/EC2', 'CPUUtilization');
  for (const i of instances) {
    const series = s.open('AWS/EC2', 'CPUUtilization', { InstanceId: i.id }, { delay: 0, tags: i.tags })!;
    for (let m = 0; m < 10; m++) series.put(m, i.cpu);
    if (i.group) s.open('AWS/EC2', 'CPUUtilization', { AutoScalingGroupName: i.group }, { delay: 0 })!.put(0, i.cpu);
  }
  return s;
}

describe('Metrics Insights queries', () => {
  test('reads the queries the library writes', () => {
    const q = parseInsightsQuery('SELECT MAX(StatusCheckFailed) FROM SCHEMA("AWS/EC2", InstanceId) WHERE tag.WatchkeeperFleet = \'shop-p1\' GROUP BY InstanceId');
    expect(q).toEqual(expect.objectContaining({ fn: 'MAX', metricName: 'StatusCheckFailed', namespace: 'AWS/EC2', schema: ['InstanceId'], groupBy: ['InstanceId'], limit: 500 }));
    const o = parseInsightsQuery('SELECT MAX(CPUUtilization) FROM SCHEMA("AWS/EC2", InstanceId) GROUP BY AWS.AccountId, InstanceId ORDER BY MAX() DESC LIMIT 50');
    expect(o.orderBy).toEqual({ fn: 'MAX', desc: true });
    expect(o.limit).toBe(50);
  });

  test('SCHEMA matches exactly its dimension set; WHERE filters on dimensions and resource tags', () => {
    const s = store([
      { id: 'i-1', cpu: 10, tags: { fleet: 'a' }, group: 'web' }, { id: 'i-2', cpu: 90, tags: { fleet: 'b' } }, { id: 'i-3', cpu: 50, tags: { fleet: 'a' } },
    ]);
    expect(matchedSeries(parseInsightsQuery('SELECT MAX(CPUUtilization) FROM SCHEMA("AWS/EC2", InstanceId)'), s)).toHaveLength(3);
    expect(matchedSeries(parseInsightsQuery('SELECT MAX(CPUUtilization) FROM "AWS/EC2"'), s)).toHaveLength(4);
    const tagged = parseInsightsQuery('SELECT MAX(CPUUtilization) FROM SCHEMA("AWS/EC2", InstanceId) WHERE tag.fleet = \'a\' AND InstanceId != \'i-3\'');
    expect(matchedSeries(tagged, s).map(x => x.dimensions.InstanceId)).toEqual(['i-1']);
  });

  test('without GROUP BY one series aggregates every match; COUNT counts observations', () => {
    const s = store([{ id: 'i-1', cpu: 10 }, { id: 'i-2', cpu: 30 }]);
    const run = (sql: string) => {
      const q = parseInsightsQuery(sql);
      return runQuery(q, groupSeries(q, matchedSeries(q, s)), [5, 10], 5, 20);
    };
    expect(run('SELECT AVG(CPUUtilization) FROM SCHEMA("AWS/EC2", InstanceId)')).toEqual([expect.objectContaining({ labels: {}, points: [20, 20] })]);
    expect(run('SELECT COUNT(CPUUtilization) FROM SCHEMA("AWS/EC2", InstanceId)')[0].points).toEqual([10, 10]);
  });

  test('GROUP BY makes a series per value ("Other" without the label), ORDER BY and LIMIT keep the top ones', () => {
    const s = store([{ id: 'i-1', cpu: 10 }, { id: 'i-2', cpu: 90 }, { id: 'i-3', cpu: 50 }]);
    const q = parseInsightsQuery('SELECT MAX(CPUUtilization) FROM "AWS/EC2" GROUP BY InstanceId ORDER BY MAX() DESC LIMIT 2');
    expect(runQuery(q, groupSeries(q, matchedSeries(q, s)), [10], 10, 20).map(x => x.labels.InstanceId)).toEqual(['i-2', 'i-3']);
    const other = parseInsightsQuery('SELECT MAX(CPUUtilization) FROM "AWS/EC2" GROUP BY AutoScalingGroupName');
    const s2 = store([{ id: 'i-1', cpu: 10, group: 'web' }]);
    expect(runQuery(other, groupSeries(other, matchedSeries(other, s2)), [10], 10, 20).map(x => x.labels.AutoScalingGroupName)).toEqual(['Other', 'web']);
  });

  test('returns at most 500 series', () => {
    const s = store(Array.from({ length: 600 }, (_, i) => ({ id: `i-${i}`, cpu: i })));
    const q = parseInsightsQuery('SELECT MAX(CPUUtilization) FROM SCHEMA("AWS/EC2", InstanceId) GROUP BY InstanceId');
    expect(runQuery(q, groupSeries(q, matchedSeries(q, s)), [10], 10, 20)).toHaveLength(MAX_SERIES);
  });

  test('fails on a function the query language does not have', () => {
    expect(() => parseInsightsQuery('SELECT P99(Latency) FROM "App"')).toThrow(/unknown function P99/);
  });
});
