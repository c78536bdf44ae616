/**
 * Where a structured (JSON) log event keeps each piece of information. Names are JSON
 * paths without the leading `$.` (`status_code`, or `http.status` for a nested field).
 * The defaults match a log line like
 * `{"timestamp":"...","level":"ERROR","message":"...","request_id":"...","method":"GET","path":"/orders","status_code":500,"duration_ms":12.5}`.
 */
export interface JsonLogFields {
  /**
   * The severity (`ERROR`, `WARN` ...).
   * @default 'level'
   */
  readonly level?: string;
  /**
   * The human-readable message.
   * @default 'message'
   */
  readonly message?: string;
  /**
   * The request id, to follow one request across log lines.
   * @default 'request_id'
   */
  readonly requestId?: string;
  /**
   * The HTTP method.
   * @default 'method'
   */
  readonly method?: string;
  /**
   * The request path (endpoint).
   * @default 'path'
   */
  readonly path?: string;
  /**
   * The HTTP status code, as a JSON number.
   * @default 'status_code'
   */
  readonly statusCode?: string;
  /**
   * The request duration, as a JSON number.
   * @default 'duration_ms'
   */
  readonly duration?: string;
}

