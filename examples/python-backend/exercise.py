#!/usr/bin/env python3
"""Runs the app offline, as the tests do: a stand-in for the CloudWatch agent's EMF listener on
a loopback TCP port receives the EMF events, Flask's test client sends requests, and every log
line and EMF event is printed as one JSON object: {"kind": "log" | "emf", "line": "..."}.

LOG_FORMAT picks the logger preset (standard, python-json-logger, structlog).
"""
import contextlib
import io
import json
import os
import socketserver
import sys
import threading

received = []


class AgentListener(socketserver.StreamRequestHandler):
    def handle(self):
        for raw in self.rfile:
            received.append(raw.decode("utf-8").rstrip("\n"))


def main() -> None:
    socketserver.ThreadingTCPServer.daemon_threads = True  # the app keeps its agent connection open
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), AgentListener)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    os.environ["AWS_EMF_ENVIRONMENT"] = "Default"  # the agent: no instance metadata probe
    os.environ["AWS_EMF_AGENT_ENDPOINT"] = f"tcp://127.0.0.1:{server.server_address[1]}"
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from app import app  # noqa: E402  (configured by the environment above)
        client = app.test_client()
        requests = [("GET", "/orders/42"), ("GET", "/orders/7"), ("POST", "/orders/42/pay"), ("GET", "/nowhere"), ("GET", "/orders/42")]
        for i, (method, path) in enumerate(requests):
            client.open(path, method=method, headers={"X-Request-Id": f"r-{i}"})
    for _ in range(100):
        if len(received) >= len(requests):
            break
        threading.Event().wait(0.05)
    server.shutdown()
    server.server_close()
    for line in err.getvalue().splitlines():
        if line.startswith("{"):
            print(json.dumps({"kind": "log", "line": line}))
    for line in received:
        print(json.dumps({"kind": "emf", "line": line}))


if __name__ == "__main__":
    main()
