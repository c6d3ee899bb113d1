"""Runs schemathesis against the OpenAPI document of a `tolk serve` it starts (scripts/api-check).

    python scripts/api_check.py --tolk PATH_TO_TOLK --model tests/fixtures/tiny-nllb

Two passes over every operation of `/openapi.json`, each against a fresh server on a free
loopback port, started and stopped here (its log lines are waited on, not slept for):

- `keys off`: the server as it runs by default;
- `keys on`: the same with an API keys file and no credentials sent, so every answer the keys
  add (401, 403) must be documented too.

Checks: no 5xx (not_a_server_error), every status, content type, header and body as the document
says (status_code_conformance, content_type_conformance, response_headers_conformance,
response_schema_conformance); `--all-checks` adds schemathesis' other checks (valid data
accepted, invalid data rejected, undeclared methods answered 405, ...). Deterministic generation,
`--max-examples` cases per operation and phase. Exits non-zero when a pass finds a failure.
Needs the environment of tests/clients/requirements.txt (scripts/lib/client-venv.sh).
"""

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "clients"))
from test_clients import Server, stop_all  # noqa: E402  (the same server handling as the client tests)

CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
]


def schemathesis(server, label, args, workdir):
    command = [
        os.path.join(os.path.dirname(sys.executable), "schemathesis"),
        "run",
        server.url + "/openapi.json",
        "--checks",
        "all" if args.all_checks else ",".join(CHECKS),
        "--continue-on-failure",
        "--max-examples",
        str(args.max_examples),
        "--generation-deterministic",
        "--workers",
        str(args.workers),
        "--request-timeout",
        "60",
        "--no-color",
    ]
    if args.report:
        report = os.path.join(os.path.abspath(args.report), label.replace(" ", "-"))
        command += ["--report", "junit,ndjson", "--report-dir", report]
    print(f"==> schemathesis, {label}: {server.url}", flush=True)
    started = time.monotonic()
    status = subprocess.run(command, check=False, cwd=workdir).returncode
    print(f"==> schemathesis, {label}: exit {status} in {time.monotonic() - started:.1f} s", flush=True)
    return status


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tolk", required=True, help="the tolk binary")
    parser.add_argument("--model", required=True, help="the model directory (tests/fixtures/tiny-nllb)")
    parser.add_argument("--max-examples", type=int, default=30, help="cases per operation and phase (30)")
    parser.add_argument("--workers", type=int, default=1, help="schemathesis workers (1: the same cases every run)")
    parser.add_argument(
        "--all-checks", action="store_true", help="every schemathesis check, not only conformance"
    )
    parser.add_argument("--report", metavar="DIR", help="write JUnit and NDJSON reports under DIR")
    args = parser.parse_args()
    if not os.access(args.tolk, os.X_OK):
        sys.exit(f"api_check.py: {args.tolk} is not an executable; build tolk (scripts/tolk --version) first")

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda signum, frame: sys.exit(128 + signum))
    failed = []
    # schemathesis and hypothesis may leave files in their working directory: not in the clone.
    with tempfile.TemporaryDirectory(prefix="tolk-api-check-") as workdir:
        try:
            server = Server(args.tolk, args.model, "tolk serve")
            if schemathesis(server, "keys off", args, workdir) != 0:
                failed.append("keys off")
            server.stop()
            keys = os.path.join(workdir, "keys.txt")
            with open(keys, "w") as out:
                out.write("api-check-key requests_per_minute=100000\n")
            server = Server(args.tolk, args.model, "tolk serve --api-keys-file", ["--api-keys-file", keys])
            if schemathesis(server, "keys on", args, workdir) != 0:
                failed.append("keys on")
            server.stop()
        finally:
            stop_all()
    if failed:
        print(f"schemathesis found failures ({', '.join(failed)}): see above", flush=True)
        return 1
    print("schemathesis: no failures", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
