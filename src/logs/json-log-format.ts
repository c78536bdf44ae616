import { JsonLogFields } from './json-log-fields';

/**
 * The shape of the JSON log lines a logging library writes: where it keeps the level and
 * the message. Pick the preset of your logger, or `custom()` for anything else; `fields`
 * props still rename single fields on top of the preset.
 *
 * Levels are matched in upper, lower and capitalized case (`ERROR`, `error`, `Error`), so a
 * preset only has to name the fields.
 *
 * @example
 * declare const appLogs: AppLogGroup;
 * new JsonLogMetrics(this, 'ApiMetrics', {
 *   logGroup: appLogs.logGroup, namespace: 'Orders/Api', format: JsonLogFormat.STRUCTLOG,
 * });
 */
export class JsonLogFormat {
  /**
   * `{"level": "ERROR", "message": "...", "request_id": "...", ...}`: a hand-written
   * `logging.Formatter` that writes `level` from `record.levelname` and `message` from
   * `record.getMessage()` (plus `module`, `function`, `line` and the record's extras), and
   * most JSON loggers of other languages. The library's historical defaults.
   */
  public static readonly STANDARD = new JsonLogFormat('standard', {});

  /**
   * python-json-logger (`pythonjsonlogger.json.JsonFormatter`) with a format that names
   * `levelname` and `message`: `{"levelname": "ERROR", "message": "...", ...extras}`. Its
   * default format writes only `message`: the level must be asked for.
   */
  public static readonly PYTHON_JSON_LOGGER = new JsonLogFormat('python-json-logger', { level: 'levelname' });

  /**
   * structlog with the `add_log_level` processor and `JSONRenderer`:
   * `{"event": "...", "level": "error", ...bound values}` (lowercase levels, the message in `event`).
   */
  public static readonly STRUCTLOG = new JsonLogFormat('structlog', { message: 'event' });

  /** Any other shape: the field names of your log lines (defaults as in `STANDARD`). */
  public static custom(fields: JsonLogFields): JsonLogFormat {
    return new JsonLogFormat('custom', fields);
  }

  /** The preset's name (`standard`, `python-json-logger`, `structlog` or `custom`). */
  public readonly name: string;
  /** The field names this shape uses; the ones left out keep the `STANDARD` names. */
  public readonly fields: JsonLogFields;

  private constructor(name: string, fields: JsonLogFields) {
    this.name = name;
    this.fields = fields;
  }
}
