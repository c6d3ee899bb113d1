"""Benchmarks of Tolk under hostile load, each printed beside its baseline (issue 24's bounds):

    python3 scripts/bench_faults.py --tolk PATH [--model tests/fixtures/tiny-nllb] [--only NAME]

- `linear`: /v1/translate of 20k, 80k and 320k characters without a space (one Latin "word", one
  run of Han characters, one of Thai), time per character of each against the 20k one: 1.0 is
  linear.
- `healthz`: /healthz latency (p50, p99, max of 400 probes) on an idle server, then while 6
  clients keep the translation queue full and a job of 40 files runs; the bound is p99 < 50 ms.
- `bulk`: how long a job's first file waits while 24 clients keep interactive work queued (the
  longest wait of bulk work), against the same job on an idle server.
- `download`: peak RSS of the server while 4 clients download a 200 MB job result at once,
  against its RSS at rest; the bound is 100 MB more. The finished job is written into the job
  database directly (as a worker would have stored it), since translating 200 MB with the test
  model would take an hour.

Each part starts its own `tolk serve` on a free loopback port with its own data folder.
"""

import argparse
import http.client
import json
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
import uuid

from tolk_server import TolkServer as Server

SENTENCES = [
    "Everyone has the right to education.",
    "No one shall be held in slavery or servitude.",
    "All human beings are born free and equal in dignity and rights.",
    "Everyone has the right to freedom of thought, conscience and religion.",
]


def request(port, method, path, body=None, headers=None, timeout=600):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def translate(port, text, target="fra_Latn"):
    body = json.dumps({"text": text, "source": "eng_Latn", "target": target})
    return request(port, "POST", "/v1/translate", body, {"Content-Type": "application/json"})


def multipart(files, fields):
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n\r\n'.encode()
             + content + b"\r\n" for name, content in files]
    parts += [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
              for name, value in fields]
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def create_job(port, files, target="fra_Latn"):
    body, content_type = multipart(files, [("target", target), ("source", "eng_Latn")])
    status, answer = request(port, "POST", "/v1/jobs", body, {"Content-Type": content_type})
    if status != 202:
        sys.exit(f"job creation answered {status}: {answer[:200]!r}")
    return json.loads(answer)["id"]


def job_state(port, job_id):
    return json.loads(request(port, "GET", f"/v1/jobs/{job_id}")[1])


def percentiles(samples):
    ordered = sorted(samples)
    return (statistics.median(ordered), ordered[int(len(ordered) * 0.99) - 1], ordered[-1])


# --- linear ---------------------------------------------------------------------------------------


def bench_linear(args, data):
    server = Server(args.tolk, args.model, data, ["--max-chars", "400000", "--request-timeout", "1200",
                                                   "--max-body-bytes", str(16 << 20)])
    try:
        print("linear cost: /v1/translate of text without spaces (seconds, and per-character time against 20k)")
        print(f"{'text':<28}{'20k':>10}{'80k':>10}{'320k':>10}{'80k/20k':>10}{'320k/20k':>10}")
        for label, unit in (("one Latin word", "abcdefghij"), ("Han characters", "教育是每个人的权利"),
                            ("Thai characters", "ทุกคนมีสิทธิในการศึกษา")):
            times = []
            for size in (20_000, 80_000, 320_000):
                text = (unit * (size // len(unit) + 1))[:size]
                started = time.monotonic()
                status, answer = translate(server.port, text)
                if status != 200:
                    sys.exit(f"{label} {size}: {status} {answer[:200]!r}")
                times.append(time.monotonic() - started)
            per = [t / s for t, s in zip(times, (20_000, 80_000, 320_000))]
            print(f"{label:<28}{times[0]:>9.2f}s{times[1]:>9.2f}s{times[2]:>9.2f}s"
                  f"{per[1] / per[0]:>10.2f}{per[2] / per[0]:>10.2f}")
    finally:
        server.stop()


# --- healthz and bulk ---------------------------------------------------------------------------------


class Saturation:
    """`clients` threads sending translations back to back until stopped."""

    def __init__(self, port, clients):
        self.port, self.stopped, self.sent = port, threading.Event(), 0
        self.threads = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(clients)]
        for thread in self.threads:
            thread.start()

    def _run(self, seed):
        rng = random.Random(seed)
        while not self.stopped.is_set():
            # Numbered, so that no sentence is answered from the cache.
            text = " ".join(f"Point {seed}-{self.sent}-{k}. {rng.choice(SENTENCES)}" for k in range(rng.randint(10, 20)))
            translate(self.port, text)
            self.sent += 1

    def stop(self):
        self.stopped.set()
        for thread in self.threads:
            thread.join()


def probe_healthz(port, count=400):
    samples = []
    for _ in range(count):
        started = time.monotonic()
        status, _ = request(port, "GET", "/healthz", timeout=30)
        samples.append((time.monotonic() - started) * 1000)
        if status != 200:
            sys.exit(f"/healthz answered {status}")
        time.sleep(0.005)
    return percentiles(samples)


def job_files(count, paragraphs, seed=7):
    """Files of numbered paragraphs: the seed keeps two jobs' texts apart (else the second is
    answered from the sentence cache)."""
    rng = random.Random(seed)
    return [(f"part-{i:03}.txt", "\n\n".join(f"Article {seed}-{i}-{p}. " + " ".join(rng.choice(SENTENCES) for _ in range(3))
                                          for p in range(paragraphs)).encode()) for i in range(count)]


def bench_healthz(args, data):
    server = Server(args.tolk, args.model, data)
    try:
        idle = probe_healthz(server.port)
        load = Saturation(server.port, 6)
        job = create_job(server.port, job_files(40, 40))
        busy = probe_healthz(server.port)
        load.stop()
        progress = job_state(server.port, job)["progress"]
        print("/healthz latency in ms (400 probes): p50, p99, max")
        print(f"{'idle':<44}{idle[0]:>8.1f}{idle[1]:>8.1f}{idle[2]:>8.1f}")
        print(f"{'6 clients translating + a 40-file job':<44}{busy[0]:>8.1f}{busy[1]:>8.1f}{busy[2]:>8.1f}"
              f"   (p99 bound 50 ms: {'met' if busy[1] < 50 else 'NOT met'}; {load.sent} translations, "
              f"job files done {progress['done']}/{progress['total']})")
    finally:
        server.stop()


def first_file_wait(port, files, limit=600):
    job = create_job(port, files)
    started = time.monotonic()
    while True:
        state = job_state(port, job)
        if state["progress"]["done"] > 0:
            return time.monotonic() - started
        if time.monotonic() - started > limit:
            return float("inf")
        time.sleep(0.05)


def bench_bulk(args, data):
    """The job's wait with bulk work aging after 2 s (the default), against aging switched off
    (--bulk-max-wait 86400), each on a fresh server; a wait past 60 s is shown as such."""
    print("bulk work under interactive load: seconds until a job's first file is translated")
    for label, wait in (("aging after 2 s (default)", "2"), ("no aging (--bulk-max-wait 86400)", "86400")):
        folder = tempfile.mkdtemp(prefix="tolk-bench-bulk-", dir=data)
        server = Server(args.tolk, args.model, folder, ["--job-workers", "1", "--bulk-max-wait", wait])
        try:
            idle = first_file_wait(server.port, job_files(1, 30, seed=1))
            load = Saturation(server.port, 24)
            time.sleep(2)  # the interactive queue never empties before the job arrives
            busy = first_file_wait(server.port, job_files(1, 30, seed=2), limit=60)
            load.stop()
            shown = "> 60" if busy == float("inf") else f"{busy:.2f}"
            print(f"{label:<36} idle {idle:>6.2f}   under 24 clients {shown:>6}   "
                  f"({load.sent} interactive translations meanwhile)")
        finally:
            server.stop()


# --- download -------------------------------------------------------------------------------------


def store_finished_job(db_path, files, size):
    """Writes a finished job of `files` outputs of `size` bytes each, as workers leave one."""
    rng = random.Random(3)
    db = sqlite3.connect(db_path)
    job = uuid.uuid4().hex
    now = int(time.time() * 1000)
    db.execute("INSERT INTO tolk_jobs (id, state, source, targets, created_at, finished_at, owner) "
               "VALUES (?, 'done', 'eng_Latn', 'fra_Latn', ?, ?, NULL)", (job, now, now))
    for i in range(files):
        # Incompressible, as translated office files are.
        content = rng.randbytes(size)
        db.execute("INSERT INTO tolk_job_files (job_id, idx, path, content) VALUES (?, ?, ?, ?)",
                   (job, i, f"file-{i:03}.bin", b"x"))
        db.execute("INSERT INTO tolk_job_units (job_id, file_idx, target, state, source, segments_total, "
                   "segments_done, attempts, output) VALUES (?, ?, 'fra_Latn', 'done', 'eng_Latn', 1, 1, 1, ?)",
                   (job, i, content))
    db.commit()
    db.close()
    return job


def bench_download(args, data):
    server = Server(args.tolk, args.model, data)
    server.stop()  # the tables exist now
    job = store_finished_job(os.path.join(data, "tolk.db"), 50, 4 << 20)
    server = Server(args.tolk, args.model, data)
    try:
        time.sleep(2)
        rest = server.rss_mb()
        peak = [rest]
        done = threading.Event()

        def watch():
            while not done.is_set():
                peak[0] = max(peak[0], server.rss_mb())
                time.sleep(0.01)

        sizes = []

        def download():
            status, body = request(server.port, "GET", f"/v1/jobs/{job}/result")
            sizes.append((status, len(body)))

        watcher = threading.Thread(target=watch)
        watcher.start()
        started = time.monotonic()
        clients = [threading.Thread(target=download) for _ in range(4)]
        for client in clients:
            client.start()
        for client in clients:
            client.join()
        elapsed = time.monotonic() - started
        done.set()
        watcher.join()
        if any(status != 200 or length < 200 << 20 for status, length in sizes):
            sys.exit(f"downloads answered {sizes}")
        print("4 clients downloading a 200 MB job result at once: server RSS in MB")
        print(f"{'at rest':<44}{rest:>8.0f}")
        print(f"{'peak during the downloads':<44}{peak[0]:>8.0f}   (+{peak[0] - rest:.0f} MB; bound +100 MB: "
              f"{'met' if peak[0] - rest <= 100 else 'NOT met'}; {len(sizes)} x {sizes[0][1] / (1 << 20):.0f} MB "
              f"in {elapsed:.1f} s)")
    finally:
        server.stop()


PARTS = {"linear": bench_linear, "healthz": bench_healthz, "bulk": bench_bulk, "download": bench_download}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tolk", required=True)
    parser.add_argument("--model", default="tests/fixtures/tiny-nllb")
    parser.add_argument("--only", choices=sorted(PARTS), action="append")
    args = parser.parse_args()
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    print(f"CPU: {cpu}, {os.cpu_count()} cores; model {args.model}")
    for name in args.only or PARTS:
        data = tempfile.mkdtemp(prefix=f"tolk-bench-{name}-")
        try:
            PARTS[name](args, data)
        finally:
            shutil.rmtree(data, ignore_errors=True)
        print()


if __name__ == "__main__":
    main()
