"""The three JSON logging set-ups of docs/python.md ("Logger set-ups"), one per JsonLogFormat
preset. LOG_FORMAT picks one; LOG_FILE (for the CloudWatch agent to follow) or standard error
receives the lines."""
import json
import logging
import os
import sys

import structlog
from pythonjsonlogger.json import JsonFormatter


class JsonLines(logging.Formatter):
    """One JSON object per line: level, message, every extra field, the traceback."""
    RESERVED = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}

    def format(self, record):
        entry = {"timestamp": self.formatTime(record), "level": record.levelname,
                 "message": record.getMessage(), "logger": record.name,
                 "module": record.module, "function": record.funcName, "line": record.lineno}
        entry.update({k: v for k, v in vars(record).items() if k not in self.RESERVED})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str)


class AppLogger:
    """The calls the app makes, the same for every preset: fields go where the logger wants them."""

    def __init__(self, log, structured: bool):
        self._log = log
        self._structured = structured

    def _call(self, level: str, message: str, fields: dict) -> None:
        if self._structured:
            getattr(self._log, level)(message, **fields)
        else:
            getattr(self._log, level)(message, extra=fields)

    def info(self, message: str, **fields) -> None:
        self._call("info", message, fields)

    def exception(self, message: str, **fields) -> None:
        self._call("exception", message, fields)


def configure_logging(preset: str) -> AppLogger:
    stream = open(os.environ["LOG_FILE"], "a", buffering=1) if os.environ.get("LOG_FILE") else sys.stderr
    if preset == "structlog":
        structlog.configure(processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso"),
            structlog.processors.dict_tracebacks,
            structlog.processors.JSONRenderer(),
        ], logger_factory=structlog.PrintLoggerFactory(file=stream))
        return AppLogger(structlog.get_logger(), structured=True)
    handler = logging.StreamHandler(stream)
    if preset == "python-json-logger":
        handler.setFormatter(JsonFormatter("{asctime}{levelname}{name}{message}", style="{"))
    elif preset == "standard":
        handler.setFormatter(JsonLines())
    else:
        raise ValueError(f"LOG_FORMAT must be standard, python-json-logger or structlog, got {preset!r}")
    logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)
    return AppLogger(logging.getLogger("orders"), structured=False)
