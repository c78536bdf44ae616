import { aws_logs as logs } from 'aws-cdk-lib';
import { agentError } from './private/agent-error';

/** Keeps or drops log lines by a regular expression, in the agent before they are sent. */
export class AgentLogFilter {
  /** Send only lines matching the expression. */
  public static include(expression: string): AgentLogFilter {
    return new AgentLogFilter('include', expression);
  }

  /** Drop lines matching the expression (e.g. health checks). */
  public static exclude(expression: string): AgentLogFilter {
    return new AgentLogFilter('exclude', expression);
  }

  private constructor(
    /** `include` or `exclude`. */
    public readonly type: string,
    /** The regular expression. */
    public readonly expression: string,
  ) {
    if (expression === '') agentError('filters', 'non-empty regular expressions', expression);
    try { new RegExp(expression); } catch { agentError('filters', 'valid regular expressions', expression); }
  }
}

/** Where log events of one source go, and how long they are kept. */
export interface AgentLogDestination {
  /**
   * The log group name. The agent installation creates the group (with retention, KMS
   * and RETAIN) unless `logGroup` is given.
   */
  readonly logGroupName: string;
  /**
   * The log stream name; the agent fills `{instance_id}`, `{hostname}`, `{ip_address}`.
   * @default '{instance_id}'
   */
  readonly logStreamName?: string;
  /**
   * How long the created log group keeps events. Infinite retention is refused: logs
   * that nobody expires are paid for forever.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly retention?: logs.RetentionDays;
}

/** A log file the agent ships to CloudWatch Logs. */
export interface AgentLogFileProps extends AgentLogDestination {
  /** The file path; `*` and `**` globs are allowed (the newest matching file is followed). */
  readonly filePath: string;
  /**
   * The timestamp format of the lines (Go-style `%Y-%m-%d %H:%M:%S`), so events carry
   * the time they happened rather than the time they were read.
   * @default - the time the agent reads the line
   */
  readonly timestampFormat?: string;
  /**
   * A regular expression that starts a new event, for multi-line events such as stack
   * traces; `{timestamp_format}` uses the timestamp format.
   * @default - every line is an event
   */
  readonly multiLineStartPattern?: string;
  /**
   * Lines to keep or drop before sending (at most 10 filters).
   * @default - every line is sent
   */
  readonly filters?: AgentLogFilter[];
  /**
   * The file's encoding (`utf-8`, `utf-16`, `latin1`, `gbk`...).
   * @default 'utf-8'
   */
  readonly encoding?: string;
}

/** The levels of Windows event log entries. */
export enum WindowsEventLevel {
  /** Verbose. */
  VERBOSE = 'VERBOSE',
  /** Information. */
  INFORMATION = 'INFORMATION',
  /** Warning. */
  WARNING = 'WARNING',
  /** Error. */
  ERROR = 'ERROR',
  /** Critical. */
  CRITICAL = 'CRITICAL',
}

/** A Windows event log the agent ships to CloudWatch Logs. */
export interface WindowsEventLogProps extends AgentLogDestination {
  /** The event log's name (`System`, `Application`, `Security`...). */
  readonly eventName: string;
  /**
   * The levels to ship.
   * @default [WindowsEventLevel.ERROR, WindowsEventLevel.CRITICAL, WindowsEventLevel.WARNING]
   */
  readonly levels?: WindowsEventLevel[];
}

/**
 * The agent's listener for Embedded Metric Format (EMF) events
 * (`logs.metrics_collected.emf`): the app sends JSON events with embedded metrics to the
 * agent on TCP or UDP port 25888 of the instance (aws-embedded-metrics does by default on
 * EC2), the agent writes them to CloudWatch Logs, and CloudWatch extracts the metrics. The
 * app needs no AWS permission and makes no `PutMetricData` call; the agent needs only
 * `logs:PutLogEvents` on the group, which it gets.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Generation_CloudWatch_Agent.html
 */
export interface AgentEmfProps {
  /**
   * The log group the EMF events go to. The agent writes each event to the group its
   * `_aws.LogGroupName` names (and to `emf/logs/default` when it names none, a group the
   * agent is not allowed to write), so the app must name this one: set
   * `AWS_EMF_LOG_GROUP_NAME` for aws-embedded-metrics, whose default on EC2 is
   * `<service name>-metrics`. The agent installation creates the group (with retention, KMS
   * and RETAIN).
   */
  readonly logGroupName: string;
  /**
   * How long the created log group keeps the events (each is a log line billed for
   * ingestion and storage; the metrics extracted from them are kept as metrics are).
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly retention?: logs.RetentionDays;
}
