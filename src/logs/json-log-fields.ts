/**
 * Where a structured (JSON) log event keeps each piece of information. Names are JSON
 * paths without the leading `$.` (`status_code`, or `http.status` for a nested field).
 * The defaults match a log line like
 * `{"timestamp":"...","level":"ERROR","message":"...","request_id":"...","method":"GET","path":"/orders/42","route":"/orders/{id}","status_code":500,"duration_ms":12.5}`.
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
   * The request path as requested (`/users/42`): unbounded, one value per id, so never a
   * metric dimension; the slow-requests and recent-errors queries show it.
   * @default 'path'
   */
  readonly path?: string;
  /**
   * The route template that matched the request (`/users/<int:user_id>` in Flask,
   * `/users/{user_id}` in FastAPI): a bounded value, one per endpoint of the app, which
   * queries group by and metric dimensions use.
   * @default 'route'
   */
  readonly route?: string;
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

