import { Duration, aws_logs as logs } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { JsonLogFields } from './json-log-fields';
import { JsonLogFormat } from './json-log-format';
import { ResolvedJsonLogFields, quote, resolveJsonLogFields } from './private/json-log-helpers';
import { checkInteger, checkPattern, checkUnique, invalid, isUnresolved } from '../private/validation';

/** The longest name a saved query may have, folder included. */
const MAX_QUERY_NAME_LENGTH = 255;

/** Options of {@link LogQueries.addQuery}. */
export interface LogQueryOptions {
  /** The query's name, shown under the folder of this set in the Logs Insights console. */
  readonly name: string;
  /** The Logs Insights query. */
  readonly queryString: string;
  /**
   * The log groups the query runs on.
   * @default - the log groups of this set
   */
  readonly logGroups?: logs.ILogGroup[];
}

/** Properties of {@link LogQueries}. */
export interface LogQueriesProps {
  /** The log groups the queries run on. */
  readonly logGroups: logs.ILogGroup[];
  /**
   * The folder the saved queries appear in (the part of their names before the last `/`).
   * @default - the construct's path
   */
  readonly folder?: string;
  /**
   * The logger that writes the lines (python-json-logger, structlog ...): where it keeps
   * the level and the message.
   * @default JsonLogFormat.STANDARD
   */
  readonly format?: JsonLogFormat;
  /**
   * Field names that differ from the format's (`{ requestId: 'trace.id' }`).
   * @default - the format's field names
   */
  readonly fields?: JsonLogFields;
  /**
   * The level values that count as errors, compared without regard to case (`ERROR`,
   * `error` and `Error` all match).
   * @default ['ERROR', 'FATAL', 'CRITICAL']
   */
  readonly errorLevels?: string[];
  /**
   * Requests at least this slow are listed by the slow-requests query. The duration
   * field is read in milliseconds.
   * @default Duration.seconds(1)
   */
  readonly slowRequestThreshold?: Duration;
  /**
   * How many rows the list queries (top endpoints, slow requests, recent errors) return.
   * @default 100
   */
  readonly limit?: number;
  /**
   * Create the standard on-call queries. Turn off to keep only your own.
   * @default true
   */
  readonly standardQueries?: boolean;
}

/**
 * Saved CloudWatch Logs Insights queries (`AWS::Logs::QueryDefinition`) for the
 * questions every on-call asks of a web API's JSON logs — errors per 5-minute bin, the
 * share of requests answered with a 5xx status over time, top endpoints by request count,
 * p50/p95/p99 latency by endpoint, requests slower than a threshold, recent errors with
 * their request ids — plus your own. Endpoints are route templates (the `route` field), and
 * requests are the lines that carry a status code (one per request, written when it ends).
 * Saved queries are free; running one costs $0.005 per GB scanned.
 *
 * @example
 * declare const appLogs: AppLogGroup;
 * const queries = new LogQueries(this, 'ApiQueries', { logGroups: [appLogs.logGroup], folder: 'orders-api' });
 * queries.addQuery('Checkout', {
 *   name: 'Checkout failures',
 *   queryString: 'fields message, request_id | filter path = "/checkout" and status_code >= 500',
 * });
 */
export class LogQueries extends Construct {
  /**
   * The recent-errors query for a log format, for widgets outside this construct (the
   * service dashboard's "Recent errors").
   * @internal
   */
  public static _recentErrorsQuery(scope: Construct, format?: JsonLogFormat, fields?: JsonLogFields, limit: number = 100): string {
    return recentErrorsQuery(resolveJsonLogFields(scope, format, fields), ['ERROR', 'FATAL', 'CRITICAL'], limit);
  }

  /** Errors per 5-minute bin. */
  public readonly errorsPerFiveMinutes?: logs.CfnQueryDefinition;
  /** Requests, 5xx answers and their share in percent, per 5-minute bin. */
  public readonly errorRateOverTime?: logs.CfnQueryDefinition;
  /** Endpoints (route templates) by request count. */
  public readonly topEndpoints?: logs.CfnQueryDefinition;
  /** p50, p95 and p99 latency by endpoint. */
  public readonly latencyByEndpoint?: logs.CfnQueryDefinition;
  /** Requests slower than the threshold, slowest first. */
  public readonly slowRequests?: logs.CfnQueryDefinition;
  /** The latest errors with their request ids. */
  public readonly recentErrors?: logs.CfnQueryDefinition;
  /** Every query of the set, standard ones first. */
  public readonly queries: logs.CfnQueryDefinition[] = [];

  private readonly logGroups: logs.ILogGroup[];
  private readonly folder: string;

  public constructor(scope: Construct, id: string, props: LogQueriesProps) {
    super(scope, id);
    if (props.logGroups.length === 0) invalid(this, 'logGroups', 'a non-empty list', props.logGroups);
    this.logGroups = props.logGroups;
    this.folder = props.folder ?? this.node.path;
    checkPattern(this, 'folder', this.folder, /^[^\s/][^\n]{0,200}$/, 'a folder name not starting with a space or /');
    const fields = resolveJsonLogFields(this, props.format, props.fields);
    const levels = props.errorLevels ?? ['ERROR', 'FATAL', 'CRITICAL'];
    if (levels.length === 0) invalid(this, 'errorLevels', 'a non-empty list', levels);
    const limit = props.limit ?? 100;
    checkInteger(this, 'limit', limit, 1, 10_000);
    const slowMs = (props.slowRequestThreshold ?? Duration.seconds(1)).toMilliseconds();
    checkInteger(this, 'slowRequestThreshold (ms)', slowMs, 1, 3_600_000);

    if (props.standardQueries ?? true) {
      const q = standardQueries(fields, levels, slowMs, limit);
      this.errorsPerFiveMinutes = this.addQuery('ErrorsPerFiveMinutes', { name: 'Errors per 5 minutes', queryString: q.errors });
      this.errorRateOverTime = this.addQuery('ErrorRateOverTime', { name: 'Error rate over time (5xx share of requests)', queryString: q.errorRate });
      this.topEndpoints = this.addQuery('TopEndpoints', { name: 'Top endpoints by requests', queryString: q.topEndpoints });
      this.latencyByEndpoint = this.addQuery('LatencyByEndpoint', { name: 'Latency by endpoint (p50, p95, p99)', queryString: q.latency });
      this.slowRequests = this.addQuery('SlowRequests', { name: `Requests slower than ${slowMs} ms`, queryString: q.slow });
      this.recentErrors = this.addQuery('RecentErrors', { name: 'Recent errors with request ids', queryString: q.recentErrors });
    }
    this.node.addValidation({
      validate: () => {
        checkUnique(this, 'query names', this.queries, d => d.name);
        return [];
      },
    });
  }

  /** Saves a query of your own in this set's folder. */
  public addQuery(id: string, options: LogQueryOptions): logs.CfnQueryDefinition {
    checkPattern(this, 'name', options.name, /^[^\s/][^\n/]{0,254}$/, 'a name of 1-255 characters without / or line breaks');
    if (options.queryString.trim().length === 0 || options.queryString.length > 10_000) {
      invalid(this, 'queryString', 'a Logs Insights query of 1-10,000 characters', options.queryString);
    }
    const groups = options.logGroups ?? this.logGroups;
    if (groups.length === 0) invalid(this, 'logGroups', 'a non-empty list', groups);
    const fullName = `${this.folder}/${options.name}`;
    // AWS::Logs::QueryDefinition Name: 1-255 characters
    // (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-logs-querydefinition.html).
    if (!isUnresolved(fullName) && fullName.length > MAX_QUERY_NAME_LENGTH) {
      invalid(this, 'name', `at most ${MAX_QUERY_NAME_LENGTH} characters long together with its folder (the saved query's name, `
        + `AWS::Logs::QueryDefinition Name, is '${fullName}': folder ${this.folder.length} + 1 + name ${options.name.length} characters); `
        + 'shorten the folder or the name', fullName.length);
    }
    const definition = new logs.CfnQueryDefinition(this, id, {
      name: fullName,
      queryString: options.queryString,
      logGroupNames: groups.map(g => g.logGroupName),
    });
    this.queries.push(definition);
    return definition;
  }
}

/** The standard query texts. */
function standardQueries(f: ResolvedJsonLogFields, levels: string[], slowMs: number, limit: number) {
  // tolower() makes the match case-insensitive: python-json-logger writes ERROR, structlog error
  // (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-operations-functions.html).
  const isError = errorExpression(f, levels);
  // A request is the line that carries its status code: the one access line a middleware
  // writes when the request ends. Other lines of the request (errors, retries) may carry its
  // path too, and must not count as more requests.
  const isRequest = `ispresent(${f.statusCode})`;
  return {
    errors: [
      `filter ${isError}`,
      'stats count(*) as errors by bin(5m)',
    ].join('\n| '),
    // floor(status / 500) is 1 for 500-599 and 0 below 500: the sum counts 5xx answers with
    // documented numeric functions only (floor, arithmetic in stats).
    errorRate: [
      `filter ${isRequest}`,
      `stats count(*) as requests, sum(floor(${f.statusCode} / 500)) as server_errors, `
        + `sum(floor(${f.statusCode} / 500)) * 100 / count(*) as error_rate_percent by bin(5m)`,
    ].join('\n| '),
    topEndpoints: [
      `filter ${isRequest}`,
      `stats count(*) as requests by ${f.method}, ${f.route}`,
      'sort requests desc',
      `limit ${limit}`,
    ].join('\n| '),
    latency: [
      `filter ${isRequest} and ispresent(${f.duration})`,
      `stats pct(${f.duration}, 50) as p50, pct(${f.duration}, 95) as p95, pct(${f.duration}, 99) as p99, `
        + `count(*) as requests by ${f.method}, ${f.route}`,
      'sort p99 desc',
      `limit ${limit}`,
    ].join('\n| '),
    slow: [
      `fields @timestamp, ${f.requestId}, ${f.method}, ${f.route}, ${f.path}, ${f.statusCode}, ${f.duration}`,
      `filter ${f.duration} >= ${slowMs}`,
      `sort ${f.duration} desc`,
      `limit ${limit}`,
    ].join('\n| '),
    recentErrors: recentErrorsQuery(f, levels, limit),
  };
}

/** The condition that a line is at an error level, in any case. */
function errorExpression(f: ResolvedJsonLogFields, levels: string[]): string {
  const lowered = [...new Set(levels.map(l => l.toLowerCase()))];
  return `tolower(${f.level}) in [${lowered.map(quote).join(', ')}]`;
}

/** The latest error lines with their request ids. */
function recentErrorsQuery(f: ResolvedJsonLogFields, levels: string[], limit: number): string {
  return [
    `fields @timestamp, ${f.requestId}, ${f.level}, ${f.message}, ${f.method}, ${f.route}, ${f.path}, ${f.statusCode}`,
    `filter ${errorExpression(f, levels)}`,
    'sort @timestamp desc',
    `limit ${limit}`,
  ].join('\n| ');
}
