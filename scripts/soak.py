"""Soak test: mixed load against a `tolk serve` it starts, for a long time, watching the process.

    python3 scripts/soak.py --tolk PATH --model tests/fixtures/tiny-nllb [--minutes 30]

Load (4 client threads): translations (single and lists), streams read to the end and streams
dropped after the first event, detection, jobs (create, follow, download, delete), and bad
requests (broken JSON, unknown languages, wrong content type, a wrong API key, a key over its
rate). Every 10 s it samples the server's RSS, open file descriptors and threads. The first
minute is warm-up (allocator arenas, caches and connection pools fill); growth is measured from
its end to the last sample. Exit status 1 if any figure grows 10 % or more, or any response is
not one the request should get (5xx other than 503 busy are never expected).
"""

import argparse
import collections
import http.client
import json
import os
import random
import shutil
import sys
import tempfile
import threading
import time
import uuid

from tolk_server import TolkServer

SENTENCES = [
    "Everyone has the right to education.",
    "No one shall be held in slavery or servitude.",
    "All human beings are born free and equal in dignity and rights.",
    "Toda persona tiene derecho a la educación.",
    "Tout être humain a droit à l'éducation.",
]


def resources(server):
    """The server process's resident memory, open files and threads."""
    fds = len(os.listdir(f"/proc/{server.proc.pid}/fd"))
    return {"rss_mb": server.status("VmRSS") // 1024, "fds": fds, "threads": server.status("Threads")}


def request(port, method, path, body=None, headers=None, read=True):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read() if read else response.read(64)
        return response.status, data
    finally:
        conn.close()


def multipart(files, fields):
    boundary = uuid.uuid4().hex
    parts = []
    for name, content in files:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n\r\n'.encode() + content + b"\r\n")
    for name, value in fields:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


AUTH = {"Authorization": "Bearer soak"}
JSON = {"Content-Type": "application/json", **AUTH}


def one_round(port, rng, record):
    kind = rng.choice(["translate", "translate", "list", "stream", "drop", "detect", "job", "bad", "bad", "rate"])
    text = " ".join(rng.choice(SENTENCES) for _ in range(rng.randint(1, 4)))
    if kind == "translate":
        status, _ = request(port, "POST", "/v1/translate", json.dumps({"text": text, "target": "fra_Latn"}), JSON)
        record(kind, status, {200, 503})
    elif kind == "list":
        body = {"text": [text, rng.choice(SENTENCES)], "source": "auto", "target": "quy_Latn"}
        status, _ = request(port, "POST", "/v1/translate", json.dumps(body), JSON)
        record(kind, status, {200, 503})
    elif kind in ("stream", "drop"):
        body = json.dumps({"text": text * 3, "source": "eng_Latn", "target": "deu_Latn"})
        status, _ = request(port, "POST", "/v1/translate/stream", body, JSON, read=(kind == "stream"))
        record(kind, status, {200, 503})
    elif kind == "detect":
        status, _ = request(port, "POST", "/v1/detect", json.dumps({"text": text}), JSON)
        record(kind, status, {200})
    elif kind == "job":
        files = [(f"doc-{i}.txt", (text + "\n\n" + rng.choice(SENTENCES)).encode()) for i in range(3)]
        body, content_type = multipart(files, [("target", "fra_Latn,spa_Latn")])
        status, data = request(port, "POST", "/v1/jobs", body, {"Content-Type": content_type, **AUTH})
        record("job create", status, {202, 503})
        if status == 202:
            job = json.loads(data)["id"]
            deadline = time.time() + 120
            while time.time() < deadline:
                status, data = request(port, "GET", f"/v1/jobs/{job}", None, AUTH)
                if status != 200 or json.loads(data)["state"] == "done":
                    break
                time.sleep(0.05)
            record("job get", status, {200})
            status, _ = request(port, "GET", f"/v1/jobs/{job}/result", None, AUTH)
            record("job result", status, {200})
            status, _ = request(port, "DELETE", f"/v1/jobs/{job}", None, AUTH)
            record("job delete", status, {204})
    elif kind == "bad":
        case = rng.randrange(4)
        if case == 0:
            status, _ = request(port, "POST", "/v1/translate", '{"text": "broken', JSON)
        elif case == 1:
            status, _ = request(port, "POST", "/v1/translate", json.dumps({"text": text, "target": "Klingon"}), JSON)
        elif case == 2:
            status, _ = request(port, "POST", "/v1/translate", text, {"Content-Type": "text/plain", **AUTH})
        else:
            status, _ = request(port, "POST", "/v1/translate", json.dumps({"text": text, "target": "fr"}),
                                {"Content-Type": "application/json", "Authorization": "Bearer wrong"})
        record("bad request", status, {400, 403, 415})
    elif kind == "rate":
        status, _ = request(port, "POST", "/v1/detect", json.dumps({"text": text}),
                            {"Content-Type": "application/json", "Authorization": "Bearer slow"})
        record("rate-limited key", status, {200, 429})


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tolk", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--warmup", type=float, default=1, help="minutes before the baseline sample")
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="tolk-soak-")
    keys = os.path.join(work, "keys.txt")
    with open(keys, "w") as f:
        f.write("soak\nslow requests_per_minute=30\n")
    server = TolkServer(args.tolk, args.model, os.path.join(work, "data"),
                        ["--threads", "1", "--api-keys-file", keys, "--queue-sentences", "512",
                         "--job-retention-hours", "1"])
    statuses = collections.Counter()
    unexpected = collections.Counter()
    lock = threading.Lock()
    stop = time.time() + args.minutes * 60

    def record(kind, status, allowed):
        with lock:
            statuses[(kind, status)] += 1
            if status not in allowed:
                unexpected[(kind, status)] += 1

    def client(seed):
        rng = random.Random(seed)
        while time.time() < stop:
            try:
                one_round(server.port, rng, record)
            except Exception as error:  # a dropped connection, a timeout: counted, never hidden
                record(f"error {type(error).__name__}", 0, set())

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(args.clients)]
    started = time.time()
    for t in threads:
        t.start()
    samples = []
    baseline = None
    while time.time() < stop:
        time.sleep(10)
        sample = resources(server)
        sample["minute"] = round((time.time() - started) / 60, 1)
        samples.append(sample)
        if baseline is None and time.time() - started >= args.warmup * 60:
            baseline = sample
            print(f"baseline after warm-up: {baseline}", flush=True)
        if len(samples) % 30 == 0:
            print(f"{sample}  requests so far: {sum(statuses.values())}", flush=True)
    for t in threads:
        t.join()
    end = resources(server)
    server.stop()
    shutil.rmtree(work, ignore_errors=True)

    baseline = baseline or samples[0]
    print(f"\nfirst sample (10 s): {samples[0]}")
    print(f"baseline (after {args.warmup} min warm-up): {baseline}")
    print(f"end ({args.minutes} min): {end}")
    failed = False
    for key in ("rss_mb", "fds", "threads"):
        growth = (end[key] - baseline[key]) / max(baseline[key], 1) * 100
        print(f"  {key}: {baseline[key]} -> {end[key]} ({growth:+.1f} %)")
        failed |= growth >= 10
    print(f"\nrequests: {sum(statuses.values())}")
    for (kind, status), count in sorted(statuses.items()):
        print(f"  {kind:18} {status}: {count}")
    if unexpected:
        print(f"UNEXPECTED: {dict(unexpected)}")
        failed = True
    print("soak: " + ("FAILED" if failed else "passed"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
