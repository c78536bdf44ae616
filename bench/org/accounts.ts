// Monitoring-account resources for organisations of 1 to 1,000 source accounts (10 instances
// each): the monitoring stack (sink, alarms, dashboard, topic, source-link StackSet) holds the
// same resources whatever the number of accounts; only the cost of the query alarms grows with
// the metrics they analyse, and past 500 instances one query no longer returns every instance.
// Prints a Markdown table (docs/benchmarks.md quotes it).
import { App, Stack } from 'aws-cdk-lib';
import { CostReport, MonitoringAccount, SourceLinkStackSet } from '../../src';

const INSTANCES_PER_ACCOUNT = 10;

/** Builds and synthesizes the monitoring stack for an organisation of `accounts` source accounts. */
export function build(accounts: number) {
  const app = new App();
  const stack = new Stack(app, 'Monitoring', { env: { account: '111111111111', region: 'eu-west-1' } });
  const monitoring = new MonitoringAccount(stack, 'Monitoring', {
    organizationId: 'o-a1b2c3d4e5', alertEmails: ['platform@example.com'], expectedInstances: accounts * INSTANCES_PER_ACCOUNT,
  });
  const links = new SourceLinkStackSet(stack, 'SourceLinks', { sinkArn: monitoring.sinkArn, region: 'eu-west-1', organizationalUnitIds: ['r-ab12'] });
  const report = new CostReport(stack, 'Cost');
  const assembly = app.synth();
  const template = assembly.getStackByName(stack.stackName).template;
  const resources = Object.values<any>(template.Resources);
  const warned = (id: string) => assembly.getStackByName(stack.stackName).messages
    .some(m => m.level === 'warning' && String(m.entry.data).includes(`cdk-watchkeeper:MonitoringAccount.${id}`));
  const instances = accounts * INSTANCES_PER_ACCOUNT;
  return {
    resources: resources.length,
    alarms: resources.filter(r => r.Type === 'AWS::CloudWatch::Alarm').length,
    templateBytes: Buffer.byteLength(links.templateBody, 'utf8'),
    usd: report.totalMonthlyUsd(),
    covered: warned('metricsPerQuery') ? `the 500 highest of the first 10,000 read (PARTIAL_DATA)`
      : warned('seriesPerQuery') ? `the 500 highest of ${instances.toLocaleString('en-US')} (PARTIAL_DATA)` : 'all',
  };
}

if (require.main === module) {
  const rows = [1, 10, 50, 100, 1000].map(accounts => ({ accounts, ...build(accounts) }));
  console.log('| source accounts | instances | monitoring-stack resources | alarms | link template (bytes) | est. USD/month | instances watched per query |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const r of rows) {
    console.log(`| ${r.accounts} | ${r.accounts * INSTANCES_PER_ACCOUNT} | ${r.resources} | ${r.alarms} | ${r.templateBytes} | $${r.usd.toFixed(2)} | ${r.covered} |`);
  }
}
