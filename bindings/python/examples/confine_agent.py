#!/usr/bin/env python3
"""Run an agent's command confined to one project directory, then print
what it changed. Usage: confine_agent.py PROJECT_DIR COMMAND [ARGS...]"""
import sys
import os

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import nono  # noqa: E402

project, argv = os.path.abspath(sys.argv[1]), sys.argv[2:]
with nono.Sandbox(allow=[project], workdir=project, block_network=True) as sb:
    result = sb.run(argv)
sys.stdout.buffer.write(result.stdout)
print(f"exit {result.status}, session {result.session_id}")
for change in nono.changes(result.session_id):
    if change["status"] != "unchanged":
        print(f"  {change['status']:9} {os.path.relpath(change['path'], project)}")
