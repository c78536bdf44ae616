#!/usr/bin/env python3
"""Prints the JSON log lines that python-json-logger, structlog and a hand-written
logging.Formatter write for the same five calls, one JSON object per output line:

    {"logger": "python-json-logger" | "structlog" | "standard", "call": "...", "line": "<the log line>"}

Each library runs with the settings its own documentation shows for JSON output. The
calls: info, warning, error, exception (with a traceback), and an info line carrying the
request's status code and duration as extras.
"""
import io
import json
import logging
import sys

import structlog
from pythonjsonlogger.json import JsonFormatter

CALLS = ["info", "warning", "error", "exception", "request"]


class StandardFormatter(logging.Formatter):
    """The shape the library's defaults expect: level, message, module, function, line + extras."""

    STANDARD_ATTRS = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "timestamp": self.formatTime(record),
            "level": record.levelname,
            "message": record.getMessage(),
            "module": record.module,
            "function": record.funcName,
            "line": record.lineno,
        }
        entry.update({k: v for k, v in record.__dict__.items() if k not in self.STANDARD_ATTRS})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry)


def stdlib_lines(name: str, formatter: logging.Formatter) -> list:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    logger = logging.getLogger(name)
    logger.handlers = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    out = []
    for call in CALLS:
        stream.seek(0)
        stream.truncate()
        if call == "info":
            logger.info("order created", extra={"request_id": "r-1"})
        elif call == "warning":
            logger.warning("payment retry", extra={"request_id": "r-2"})
        elif call == "error":
            logger.error("payment failed", extra={"request_id": "r-3"})
        elif call == "exception":
            try:
                1 / 0
            except ZeroDivisionError:
                logger.exception("unhandled error", extra={"request_id": "r-4"})
        else:
            logger.info("request done", extra={
                "request_id": "r-5", "method": "GET", "path": "/orders", "status_code": 503, "duration_ms": 812.5,
            })
        out.append((call, stream.getvalue().strip()))
    return out


def structlog_lines() -> list:
    stream = io.StringIO()
    # structlog's documented JSON setup ("Rendering to JSON", "Exceptions" in its docs).
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso"),
            structlog.processors.dict_tracebacks,
            structlog.processors.JSONRenderer(),
        ],
        logger_factory=structlog.PrintLoggerFactory(file=stream),
    )
    log = structlog.get_logger()
    out = []
    for call in CALLS:
        stream.seek(0)
        stream.truncate()
        if call == "info":
            log.info("order created", request_id="r-1")
        elif call == "warning":
            log.warning("payment retry", request_id="r-2")
        elif call == "error":
            log.error("payment failed", request_id="r-3")
        elif call == "exception":
            try:
                1 / 0
            except ZeroDivisionError:
                log.exception("unhandled error", request_id="r-4")
        else:
            log.info("request done", request_id="r-5", method="GET", path="/orders", status_code=503, duration_ms=812.5)
        out.append((call, stream.getvalue().strip()))
    return out


def main() -> None:
    lines = {
        # python-json-logger's documented usage: the fields come from the format string.
        "python-json-logger": stdlib_lines("pjl", JsonFormatter("{asctime}{levelname}{name}{message}", style="{")),
        "structlog": structlog_lines(),
        "standard": stdlib_lines("std", StandardFormatter()),
    }
    for logger, calls in lines.items():
        for call, line in calls:
            if "\n" in line:
                sys.exit(f"{logger} wrote a multi-line event for {call}: {line!r}")
            print(json.dumps({"logger": logger, "call": call, "line": line}))


if __name__ == "__main__":
    main()
