import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { OrgMonitoringStack, REGIONS } from '../../examples/org';
import { MonitoringReport } from '../../src';
import { nagFindings } from '../helpers';

// The stacks of examples/org-app.ts (that file synthesizes with every nag pack when imported).
function orgApp() {
  const app = new App();
  const stacks = REGIONS.map(region => new OrgMonitoringStack(app, `WatchkeeperOrg-${region}`, { region }));
  return { app, stacks };
}

describe('organisation example', () => {
  test('synthesizes a monitoring stack with its source-link StackSet per Region, offline', () => {
    const { app, stacks } = orgApp();
    const assembly = app.synth();
    for (const stack of stacks) {
      const types = Object.values<any>(assembly.getStackByName(stack.stackName).template.Resources).map(r => r.Type);
      expect(types).toEqual(expect.arrayContaining(['AWS::Oam::Sink', 'AWS::CloudFormation::StackSet', 'AWS::CloudWatch::Dashboard']));
      expect(assembly.getStackByName(stack.stackName).assets).toEqual([]);
    }
  });

  test('passes the cdk-nag packs', () => {
    expect(nagFindings(orgApp().app)).toEqual([]);
  });

  test('the cost report of each Region includes the organisation alarms', () => {
    const { app, stacks } = orgApp();
    app.synth();
    for (const stack of stacks) {
      // 2 query alarms x 400 instances analysed, priced per metric.
      expect(stack.costReport.renderTable()).toMatch(/Metrics Insights query alarms\s+800\s+metrics analysed/);
    }
  });

  test('the monitoring report names every alarm of the monitoring account, with its cost', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'org-report-'));
    const app = new App({ outdir });
    const stacks = REGIONS.map(region => new OrgMonitoringStack(app, `WatchkeeperOrg-${region}`, { region }));
    MonitoringReport.of(app);
    const assembly = app.synth();
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'monitoring-report.json'), 'utf8'));
    for (const stack of stacks) {
      const alarms = Object.entries<any>(assembly.getStackByName(stack.stackName).template.Resources)
        .filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm' || r.Type === 'AWS::CloudWatch::CompositeAlarm').map(([id]) => id);
      const reported = report.stacks.find((s: any) => s.stackName === stack.stackName).alarms.map((a: any) => a.logicalId);
      expect(alarms.length).toBeGreaterThan(0);
      expect(reported.sort()).toEqual(alarms.sort());
    }
    expect(fs.readFileSync(path.join(outdir, 'monitoring-report.md'), 'utf8')).toMatch(/Metrics Insights query alarms/);
  });
});
