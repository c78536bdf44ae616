#!/usr/bin/env python3
"""Synthesizes the TypeScript example app and its Python twin and compares the templates.

Run from the repository root after `npm ci`, building the Python package
(`npx projen compile && npx projen package:js && npx projen package:python`) and creating
examples/python/.venv from requirements.txt plus the wheel in dist/python:

    examples/python/.venv/bin/python examples/python/compare.py

Both apps build the same construct tree, so they must produce the same logical IDs, the same
resource types and counts, the same alarms, IAM policies and agent configurations. Only the
CDK's own analytics (the CDKMetadata resource, which names the language) may differ.
"""
import collections
import json
import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
PYTHON = pathlib.Path(sys.executable)
STACK = "WatchkeeperExample.template.json"


def synth(app: str, outdir: str) -> dict:
    env = dict(os.environ, WATCHKEEPER_QUIET="1")
    cmd = ["npx", "cdk", "synth", "--quiet", "--output", outdir]
    if app:
        cmd += ["--app", app]
    subprocess.run(cmd, cwd=ROOT, check=True, env=env, stdout=subprocess.DEVNULL)
    return json.loads((ROOT / outdir / STACK).read_text())


def comparable(template: dict) -> dict:
    """The template without what legitimately differs between languages."""
    resources = {k: v for k, v in template.get("Resources", {}).items() if v.get("Type") != "AWS::CDK::Metadata"}
    return {"Resources": resources, "Outputs": template.get("Outputs", {}), "Parameters": template.get("Parameters", {})}


def summary(template: dict) -> dict:
    resources = template["Resources"]
    types = collections.Counter(r["Type"] for r in resources.values())
    alarms = sorted(
        [(r["Properties"].get("MetricName", "math/insights"), r["Properties"].get("Threshold"), r["Properties"].get("Period"))
         for r in resources.values() if r["Type"] == "AWS::CloudWatch::Alarm"],
        key=str,
    )
    policies = sorted(json.dumps(r["Properties"]["PolicyDocument"], sort_keys=True)
                      for r in resources.values() if r["Type"] == "AWS::IAM::ManagedPolicy")
    agent_configs = sorted(json.dumps(r["Properties"]["Value"], sort_keys=True)
                           for r in resources.values() if r["Type"] == "AWS::SSM::Parameter")
    return {"types": types, "alarms": alarms, "policies": policies, "agent_configs": agent_configs}


def main() -> int:
    ts = comparable(synth("", "cdk.out.ts-compare"))
    py = comparable(synth(f"{PYTHON} examples/python/app.py", "cdk.out.python"))
    s_ts, s_py = summary(ts), summary(py)
    failures = []
    for key in ["types", "alarms", "policies", "agent_configs"]:
        if s_ts[key] != s_py[key]:
            failures.append(key)
    only_ts = sorted(set(ts["Resources"]) - set(py["Resources"]))
    only_py = sorted(set(py["Resources"]) - set(ts["Resources"]))
    differing = sorted(k for k in set(ts["Resources"]) & set(py["Resources"]) if ts["Resources"][k] != py["Resources"][k])

    print(f"resources: TypeScript {len(ts['Resources'])}, Python {len(py['Resources'])} (CDKMetadata excluded)")
    print(f"resource types: {len(s_ts['types'])}; alarms: {len(s_ts['alarms'])}; managed policies: {len(s_ts['policies'])}; "
          f"agent configurations: {len(s_ts['agent_configs'])}")
    for key in ["types", "alarms", "policies", "agent_configs"]:
        print(f"  {key:14s} {'same' if key not in failures else 'DIFFERENT'}")
    print(f"logical IDs only in TypeScript: {only_ts or 'none'}")
    print(f"logical IDs only in Python: {only_py or 'none'}")
    print(f"resources with different properties: {differing or 'none'}")
    if failures or only_ts or only_py or differing:
        for k in differing[:5]:
            print(f"--- {k}\nTS: {json.dumps(ts['Resources'][k], sort_keys=True)[:800]}\nPY: {json.dumps(py['Resources'][k], sort_keys=True)[:800]}")
        print("the Python app does not build the same stack")
        return 1
    print("the Python app builds the same stack as the TypeScript app")
    return 0


if __name__ == "__main__":
    sys.exit(main())
