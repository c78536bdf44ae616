"""The orders API: a Flask backend on EC2, watched by the stack in stack.ts.

- One JSON log line per request (method, path, route template, status code, duration), and
  errors with their traceback, in the logger preset LOG_FORMAT names (logging_setup.py). The
  CloudWatch agent ships LOG_FILE to the app's log group, whose metric filters and saved
  queries read these fields.
- RequestCount and ResponseTime per Method, Route and StatusCode as Embedded Metric Format
  events sent to the agent's EMF listener (aws-embedded-metrics): no PutMetricData call and no
  AWS permission. AWS_EMF_LOG_GROUP_NAME names the log group the agent writes them to, the
  one AgentConfig's emf creates.

Run: LOG_FORMAT=python-json-logger AWS_EMF_LOG_GROUP_NAME=/python-backend/metrics flask --app app run
"""
import logging
import os
import time

from aws_embedded_metrics import metric_scope
from aws_embedded_metrics.config import get_config
from flask import Flask, abort, g, jsonify, request

from logging_setup import configure_logging

NAMESPACE = "PythonBackend/Api"
logger = configure_logging(os.environ.get("LOG_FORMAT", "python-json-logger"))

# The library logs every flush at INFO: keep its lines out of the app's log group.
logging.getLogger("aws_embedded_metrics").setLevel(logging.WARNING)
emf = get_config()
emf.namespace = NAMESPACE
emf.log_group_name = os.environ.get("AWS_EMF_LOG_GROUP_NAME", "/python-backend/metrics")

app = Flask(__name__)
ORDERS = {42: {"id": 42, "total": 99.5}}


@metric_scope
def record_request(method: str, route: str, status_code: int, duration_ms: float, metrics) -> None:
    # Exactly the dimensions AppMetrics declares: an alarm must name all of them.
    metrics.set_dimensions({"Method": method, "Route": route, "StatusCode": str(status_code)})
    metrics.put_metric("RequestCount", 1, "Count")
    metrics.put_metric("ResponseTime", duration_ms, "Milliseconds")


@app.before_request
def start_timer():
    g.started = time.perf_counter()


@app.after_request
def log_request(response):
    route = request.url_rule.rule if request.url_rule else "unmatched"
    duration_ms = round((time.perf_counter() - g.started) * 1000, 1)
    logger.info("request", request_id=request.headers.get("X-Request-Id", "-"), method=request.method,
                path=request.path, route=route, status_code=response.status_code, duration_ms=duration_ms)
    record_request(request.method, route, response.status_code, duration_ms)
    return response


@app.errorhandler(Exception)
def unhandled(error):
    if hasattr(error, "code") and isinstance(error.code, int):
        return jsonify(error=str(error)), error.code
    logger.exception("unhandled error", request_id=request.headers.get("X-Request-Id", "-"), path=request.path)
    return jsonify(error="internal error"), 500


@app.get("/orders/<int:order_id>")
def get_order(order_id: int):
    if order_id not in ORDERS:
        abort(404)
    return jsonify(ORDERS[order_id])


@app.post("/orders/<int:order_id>/pay")
def pay(order_id: int):
    raise RuntimeError(f"payment provider refused order {order_id}")
