import * as fs from 'fs';
import * as path from 'path';
import {
  CfnElement, CfnResource, ISynthesisSession, Stack, Stage, attachCustomSynthesis,
  aws_cloudwatch as cloudwatch, aws_ssm as ssm, cx_api as cxapi,
} from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { summaryLine } from './private/alarm-cards.pure';
import { renderHtml } from './private/render-html.pure';
import { renderMarkdown } from './private/render-markdown.pure';
import { CostModel, ReportModel, StackInput, buildReport } from './private/report-model.pure';
import { AuditTrail } from '../audit/audit-trail';
import { CisBenchmarkAlarms } from '../audit/cis-benchmark-alarms';
import { AlarmSet } from '../core/alarm-set';
import { CostReport } from '../cost/cost-report';
import { recordedSeverity } from '../private/alarm-metadata';
import { collectUsage } from '../private/usage-registry';
import { checkPattern, invalid } from '../private/validation';
import { prepareApp, rehearse } from '../rehearsal/rehearse.pure';
import { summarize } from '../rehearsal/render.pure';
import { STOCK_SCENARIOS } from '../rehearsal/stock-scenarios.pure';

/** Properties of a {@link MonitoringReport}. */
export interface MonitoringReportProps {
  /**
   * The report's title.
   * @default 'Monitoring report'
   */
  readonly title?: string;
  /**
   * Base name of the files written next to the templates (`<name>.md`, `<name>.html`,
   * `<name>.json`).
   * @default 'monitoring-report'
   */
  readonly fileName?: string;
  /**
   * After writing the report, print one line to standard error naming the HTML file (its
   * path in the cloud assembly) and the estimated monthly cost of the app's CostReports.
   * @default - printed when the CDK CLI runs the app (`cdk synth`, `cdk deploy`: it sets
   * `CDK_OUTDIR`), not when a test or a script synthesizes it
   */
  readonly printSummary?: boolean;
  /**
   * Rehearse the app's alarms over the stock scenarios (a quiet week and one failure each) at
   * synth, and add a "Rehearsal" section with who was notified, when and why. Takes several
   * seconds per synth; `cdk-watchkeeper-report rehearse cdk.out` does the same on demand.
   * @default false
   */
  readonly rehearse?: boolean;
}

/**
 * A report a person reads instead of the templates: every alarm (what it watches, its
 * threshold and evaluation, severity, who hears ALARM, OK and INSUFFICIENT_DATA, runbook,
 * whether planned downtime silences it), log groups, agent configurations, schedules and
 * idle shutdown, EventBridge notifications, audit trails, dashboards drawn as pictures, and
 * the monthly cost of every {@link CostReport} in the app.
 *
 * Written at synth into the cloud assembly next to the templates, as Markdown
 * (`monitoring-report.md`), a self-contained HTML page (`monitoring-report.html`) and JSON
 * (`monitoring-report.json`, what `cdk-watchkeeper-report diff` compares).
 *
 * The report is read from the synthesized templates and the metadata the library records
 * on its constructs (the severity the routing applied, liveness alarms, agent series), so it
 * cannot disagree with what will be deployed. It covers the stacks directly in its stage
 * (the app); nested stacks and nested stages are left out. It creates no AWS resource.
 *
 * @example
 * const app = new App();
 * MonitoringReport.of(app);
 */
export class MonitoringReport extends Construct {
  /** The report of a stage (an app), created with default properties when it has none. */
  public static of(stage: Stage): MonitoringReport {
    const existing = stage.node.tryFindChild(DEFAULT_ID);
    return existing instanceof MonitoringReport ? existing : new MonitoringReport(stage, DEFAULT_ID);
  }

  private readonly props: MonitoringReportProps;

  public constructor(scope: Construct, id: string, props: MonitoringReportProps = {}) {
    super(scope, id);
    if (!Stage.isStage(scope)) {
      invalid(this, 'scope', 'the App (or a Stage): the report covers the stacks of a whole cloud assembly', scope.node.path);
    }
    checkPattern(this, 'fileName', props.fileName, /^[A-Za-z0-9._-]{1,100}$/, 'a file name of letters, digits, dots, dashes and underscores');
    if (scope.node.children.some(c => c !== this && c instanceof MonitoringReport)) {
      invalid(this, 'scope', 'a stage with one MonitoringReport (use MonitoringReport.of(app))', scope.node.path);
    }
    this.props = props;
    // Synthesis visits the tree children first and the stage last, so the stage's own hook
    // runs once every stack has written its template: the report reads those files. A hook on
    // this construct would run before stacks added after it; validation (which must have no
    // side effects) runs before any template exists.
    attachCustomSynthesis(scope, { onSynthesize: session => this.write(session) });
  }

  /** The report's model (call after the app is complete and synthesized into `outdir`). */
  private model(outdir: string): ReportModel {
    const stage = this.node.scope as Stage;
    const stacks = stage.node.findAll()
      .filter((c): c is Stack => Stack.isStack(c) && !c.nested && Stage.of(c) === stage)
      .map(stack => this.stackInput(stack, outdir));
    const costs = stage.node.findAll()
      .filter((c): c is CostReport => c instanceof CostReport)
      .map((c): CostModel => {
        const { title, estimate, table } = c._report();
        return { title, path: c.node.path, ...estimate, table };
      });
    const rehearsal = this.props.rehearse
      ? (() => {
        const app = prepareApp(stacks.map(s => ({ stackName: s.stackName, template: s.template, severities: s.severities, paths: s.paths })));
        return STOCK_SCENARIOS.map(s => summarize(rehearse(app, s)));
      })()
      : undefined;
    return buildReport(this.props.title ?? 'Monitoring report', stacks, costs, rehearsal);
  }

  private stackInput(stack: Stack, outdir: string): StackInput {
    const template = JSON.parse(fs.readFileSync(path.join(outdir, stack.templateFile), 'utf-8'));
    const elements = stack.node.findAll().filter((c): c is CfnElement => CfnElement.isCfnElement(c) && c.stack === stack);
    const idOf = (e: CfnElement) => stack.resolve(e.logicalId) as string;
    const paths: Record<string, string> = {};
    const severities: Record<string, string> = {};
    for (const e of elements) {
      paths[idOf(e)] = e.node.path.replace(/(\/Resource)+$/, '');
      const severity = (e instanceof cloudwatch.CfnAlarm || e instanceof cloudwatch.CfnCompositeAlarm || (e instanceof CfnResource && e.cfnResourceType === 'AWS::CloudWatch::LogAlarm'))
        ? recordedSeverity(e) : undefined;
      if (severity) severities[idOf(e)] = severity;
    }
    const livenessIds = stack.node.findAll()
      .filter((c): c is AlarmSet => c instanceof AlarmSet)
      .flatMap(set => set.livenessAlarms)
      .map(a => a.node.defaultChild)
      .filter((c): c is CfnElement => c !== undefined && CfnElement.isCfnElement(c) && c.stack === stack)
      .map(idOf);
    const agentSeries: Record<string, string> = {};
    for (const { construct, usage } of collectUsage(stack)) {
      if (!usage.customMetricSeries) continue;
      const parameter = construct.node.findAll().find((c): c is ssm.CfnParameter => c instanceof ssm.CfnParameter);
      if (parameter) agentSeries[idOf(parameter)] = (usage.detail ?? '').replace(/^[^:]*:\s*/, '');
    }
    return { stackName: stack.stackName, template, paths, severities, livenessIds, agentSeries, securityAudit: securityAuditAlarms(stack, idOf) };
  }

  private write(session: ISynthesisSession): void {
    const report = this.model(session.outdir);
    const base = path.join(session.outdir, this.props.fileName ?? 'monitoring-report');
    fs.writeFileSync(`${base}.json`, `${JSON.stringify(report, undefined, 2)}\n`);
    fs.writeFileSync(`${base}.md`, renderMarkdown(report));
    fs.writeFileSync(`${base}.html`, renderHtml(report));
    if (this.props.printSummary ?? process.env[cxapi.OUTDIR_ENV] !== undefined) {
      process.stderr.write(`${summaryLine(report, displayPath(`${base}.html`))}\n`);
    }
  }
}

const DEFAULT_ID = 'MonitoringReport';

/** A path as a person types it: relative to the working directory when it is below it. */
function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative.split(path.sep).join('/') : file;
}

/** What each security-audit alarm of the stack is, by logical ID: the CIS controls and the audit trail's delivery alarm. */
function securityAuditAlarms(stack: Stack, idOf: (e: CfnElement) => string): Record<string, string> {
  const out: Record<string, string> = {};
  const label = (alarm: IConstruct, what: string) => {
    const cfn = alarm.node.defaultChild;
    if (cfn && CfnElement.isCfnElement(cfn) && cfn.stack === stack) out[idOf(cfn)] = what;
  };
  for (const c of stack.node.findAll()) {
    if (c instanceof CisBenchmarkAlarms) {
      for (const alarm of c.alarms) {
        label(alarm, 'CIS AWS Foundations Benchmark control: a security event, raised by the API call itself (a deploy that makes such a change raises it too)');
      }
    }
    if (c instanceof AuditTrail) {
      label(c.deliveryAlarm, 'audit-trail delivery: while it is in ALARM, the CIS alarms see nothing');
    }
  }
  return out;
}
