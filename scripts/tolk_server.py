"""`tolk serve` on a free port, for the scripts that drive a real server (soak.py, bench_faults.py)."""

from __future__ import annotations

import re
import subprocess
import sys
import threading


class TolkServer:
    """`tolk serve` on a free port, its log drained by a thread; ready once the model is loaded."""

    def __init__(self, tolk, model, data_dir, extra=()):
        args = [tolk, "serve", "--model", model, "--port", "0", "--data-dir", data_dir, *extra]
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True, errors="replace")
        self.lines, self.port, self.ready = [], None, threading.Event()
        threading.Thread(target=self._drain, daemon=True).start()
        if not self.ready.wait(120):
            self.stop()
            sys.exit("tolk did not get ready:\n" + "\n".join(self.lines[-20:]))

    def _drain(self):
        for line in self.proc.stderr:
            if len(self.lines) < 2000:
                self.lines.append(line.rstrip())
            found = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line)
            if found:
                self.port = int(found.group(1))
            if "model loaded" in line:
                self.ready.set()

    def status(self, field):
        """A number from /proc/PID/status: kB for memory fields, a count for Threads."""
        status = open(f"/proc/{self.proc.pid}/status").read()
        return int(re.search(field + r":\s+(\d+)", status).group(1))

    def rss_mb(self, field="VmRSS"):
        return self.status(field) / 1024

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
