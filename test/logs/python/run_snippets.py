#!/usr/bin/env python3
"""Runs the logging set-ups docs/python.md shows, exactly as written, and prints what each one
writes for the same calls, one JSON object per output line:

    {"snippet": "<name>", "call": "...", "line": "<the log line>"}

Standard input is a JSON object {"<name>": "<python code>"}. Each snippet configures logging
and leaves `logger` bound to what the app logs through (a stdlib logger or a structlog
logger). Lines written to standard output or error are captured; for watchtower, boto3's
CloudWatch Logs client is replaced by a real client whose calls botocore's Stubber answers,
so the handler runs against the API as AWS defines it, offline, and the events it sends are
the lines. The stub allows exactly what AppLogGroup.grantWrite grants (CreateLogStream,
PutLogEvents): any other call, CreateLogGroup included, fails the snippet, as AWS would.
"""
import contextlib
import io
import json
import logging
import sys

import boto3
import structlog
from botocore.stub import Stubber

CALLS = ["info", "warning", "error", "exception", "request", "child"]


REAL_CLIENT = boto3.client


def stubbed_logs_client(sent: list):
    client = REAL_CLIENT("logs", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    stubber = Stubber(client)
    # The stream does not exist yet: PutLogEvents fails, the handler creates it and retries.
    stubber.add_client_error("put_log_events", service_error_code="ResourceNotFoundException", http_status_code=400)
    stubber.add_response("create_log_stream", {})
    for _ in range(20):
        stubber.add_response("put_log_events", {"nextSequenceToken": "1"})
    client.meta.events.register(
        "before-parameter-build.logs.PutLogEvents",
        lambda params, **_: sent.append([e["message"] for e in params["logEvents"]]),
    )
    # The batch sent before the stream existed was refused: it is sent again after CreateLogStream.
    client.meta.events.register("before-parameter-build.logs.CreateLogStream", lambda **_: sent.pop())
    stubber.activate()
    return client


def reset_logging() -> None:
    root = logging.getLogger()
    for h in list(root.handlers):
        root.removeHandler(h)
    structlog.reset_defaults()


def emit(logger, call: str) -> None:
    structured = not isinstance(logger, logging.Logger)

    def log(level_method, message, **fields):
        if structured:
            getattr(logger, level_method)(message, **fields)
        else:
            getattr(logger, level_method)(message, extra=fields)

    if call == "info":
        log("info", "order created", request_id="r-1")
    elif call == "warning":
        log("warning", "payment retry", request_id="r-2")
    elif call == "error":
        log("error", "payment failed", request_id="r-3")
    elif call == "exception":
        try:
            1 / 0
        except ZeroDivisionError:
            log("exception", "unhandled error", request_id="r-4")
    elif call == "request":
        # What the middleware writes when a request ends, passed the usual way (extra=... / kwargs).
        log("info", "request", request_id="r-5", method="GET", path="/orders/42", route="/orders/<int:order_id>",
            status_code=503, duration_ms=812.5)
    else:
        # A line written during a request that carries its path but is not the request line.
        log("info", "cache miss", request_id="r-5", path="/orders/42")


def run_snippet(name: str, code: str) -> list:
    reset_logging()
    sent: list = []
    original_client = boto3.client
    out, err = io.StringIO(), io.StringIO()
    lines = []
    try:
        if "watchtower" in code:
            boto3.client = lambda service, *a, **k: stubbed_logs_client(sent) if service == "logs" else original_client(service, *a, **k)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            namespace = {"__name__": f"readme_{name}"}
            exec(compile(code, f"docs/python.md:{name}", "exec"), namespace)
            logger = namespace["logger"]
            for call in CALLS:
                before = (out.tell(), err.tell(), sum(len(b) for b in sent))
                emit(logger, call)
                for h in logging.getLogger().handlers + getattr(logger, "handlers", []):
                    h.flush()
                written = out.getvalue()[before[0]:] + err.getvalue()[before[1]:]
                messages = [m for batch in sent for m in batch][before[2]:]
                text = "".join(messages) if messages else written.strip()
                lines.append((call, text))
    finally:
        boto3.client = original_client
    return lines


def main() -> None:
    snippets = json.load(sys.stdin)
    for name, code in snippets.items():
        for call, line in run_snippet(name, code):
            if "\n" in line:
                sys.exit(f"{name} wrote a multi-line event for {call}: {line!r}")
            print(json.dumps({"snippet": name, "call": call, "line": line}))


if __name__ == "__main__":
    main()
