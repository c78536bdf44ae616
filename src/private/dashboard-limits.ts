import { aws_cloudwatch as cloudwatch } from 'aws-cdk-lib';

/**
 * CloudWatch dashboard quotas (CloudWatch quotas, "Dashboards"): a dashboard holds at most
 * 500 widgets and 2,500 metrics, a graph widget at most 500 metrics, an alarm status
 * widget at most 100 alarms, a Logs Insights widget at most 50 log groups. One SEARCH
 * expression returns up to 500 time series
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/search-expression-syntax.html).
 */
export const DASHBOARD_LIMITS = {
  widgets: 500,
  metrics: 2500,
  metricsPerGraph: 500,
  alarmsPerStatusWidget: 100,
  logGroupsPerQuery: 50,
  seriesPerSearch: 500,
};

/** Share of a limit at which a dashboard warns that it is getting close. */
export const NEAR_LIMIT = 0.8;

/** Counts the widgets and metrics a dashboard will hold, to check them against the quotas. */
export class DashboardBudget {
  public widgets = 0;
  /** Metrics written in the dashboard (a SEARCH expression counts as one). */
  public metrics = 0;
  /** SEARCH expressions, each of which may show up to 500 series when the dashboard is viewed. */
  public searches = 0;

  /** Adds a graph with `metricCount` metrics. */
  public graph(metricCount: number): void {
    this.widgets++;
    this.metrics += metricCount;
  }

  /** Adds a graph of one SEARCH expression. */
  public searchGraph(): void {
    this.graph(1);
    this.searches++;
  }

  /** The most series the dashboard may show: every SEARCH returning its 500. */
  public get worstCaseSeries(): number {
    return this.metrics - this.searches + this.searches * DASHBOARD_LIMITS.seriesPerSearch;
  }

  /** Adds a widget that holds no metric (text, alarm status, logs). */
  public other(): void {
    this.widgets++;
  }

  /**
   * Errors for quotas exceeded, warnings for quotas nearly reached, and search warnings when
   * the SEARCH expressions may bring the dashboard over its metric quota (their series are
   * only known when the dashboard is viewed).
   */
  public check(what: string): { errors: string[]; warnings: string[]; searchWarnings: string[] } {
    const errors: string[] = [];
    const warnings: string[] = [];
    const consider = (count: number, limit: number, unit: string) => {
      if (count > limit) {
        errors.push(`${what} would hold ${count} ${unit}, more than CloudWatch's limit of ${limit} per dashboard: split it into several dashboards`);
      } else if (count > limit * NEAR_LIMIT) {
        warnings.push(`${what} holds ${count} ${unit}, close to CloudWatch's limit of ${limit} per dashboard`);
      }
    };
    consider(this.widgets, DASHBOARD_LIMITS.widgets, 'widgets');
    consider(this.metrics, DASHBOARD_LIMITS.metrics, 'metrics');
    const searchWarnings: string[] = [];
    if (this.metrics <= DASHBOARD_LIMITS.metrics && this.worstCaseSeries > DASHBOARD_LIMITS.metrics) {
      searchWarnings.push(`${what} holds ${this.metrics - this.searches} metrics and ${this.searches} SEARCH expression(s), `
        + `each of which may return up to ${DASHBOARD_LIMITS.seriesPerSearch} series: up to ${this.worstCaseSeries}, `
        + `more than CloudWatch's limit of ${DASHBOARD_LIMITS.metrics} per dashboard. Narrow the searches, drop them, `
        + 'or split the dashboard');
    }
    return { errors, warnings, searchWarnings };
  }
}

/** Splits a list into chunks of at most `size`. */
export function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * A widget whose content is produced when the dashboard is rendered, so alarms and log
 * groups added after the dashboard was created still appear. It occupies a fixed area;
 * `render` may return several widgets laid out inside it.
 */
export class DeferredWidget implements cloudwatch.IWidget {
  public readonly warnings: string[] = [];
  private x = 0;
  private y = 0;

  public constructor(
    public readonly width: number,
    public readonly height: number,
    private readonly render: () => cloudwatch.IWidget[],
  ) {}

  public position(x: number, y: number): void {
    this.x = x;
    this.y = y;
  }

  public toJson(): any[] {
    const widgets = this.render();
    let x = this.x;
    let y = this.y;
    let rowHeight = 0;
    const out: any[] = [];
    for (const widget of widgets) {
      if (x + widget.width > this.x + 24) {
        x = this.x;
        y += rowHeight;
        rowHeight = 0;
      }
      widget.position(x, y);
      out.push(...widget.toJson());
      x += widget.width;
      rowHeight = Math.max(rowHeight, widget.height);
    }
    return out;
  }
}
