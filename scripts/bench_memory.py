#!/usr/bin/env python3
"""What the translation memory adds to a translation request, side by side (docs/memory.md).

    python3 scripts/bench_memory.py ~/.cache/tolk/target/release/tolk tests/fixtures/tiny-nllb

Starts `tolk serve` on the given model with a fresh data folder, stores two corrections, and
times five requests in turn, 400 rounds, over one keep-alive connection: `/healthz` (no database
query), `GET /v1/memories` (one query through the job runtime), and `/v1/translate` of one
sentence the pool's cache already holds, (a) for a pair without memory entries (the baseline: one
query), (b) for a pair with entries but not this sentence (the texts are also cut into sentences
and looked up), (c) for a sentence the memory answers. Prints each median and its ratio to (a).
The cached sentence makes the engine's part nearly nothing, so the ratios are the worst case.
"""
import http.client
import json
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

if len(sys.argv) != 3:
    sys.exit("usage: bench_memory.py TOLK_BINARY MODEL_DIR")
tolk, model = sys.argv[1], sys.argv[2]
data=tempfile.mkdtemp()

s0=socket.socket(); s0.bind(("127.0.0.1",0)); port=s0.getsockname()[1]; s0.close()
p=subprocess.Popen([tolk,"serve","--model",model,"--port",str(port),"--data-dir",data],stderr=subprocess.DEVNULL)
deadline=time.time()+60
while True:
    try:
        c=http.client.HTTPConnection("127.0.0.1",port,timeout=5); c.request("GET","/readyz"); r=c.getresponse(); r.read()
        if r.status==200: break
    except OSError: pass
    if time.time()>deadline: p.kill(); sys.exit("server not ready")
    time.sleep(0.2)
c=http.client.HTTPConnection("127.0.0.1",port,timeout=30)
def post(path,body):
    c.request("POST",path,json.dumps(body),{"Content-Type":"application/json"}); r=c.getresponse(); d=r.read(); assert r.status in (200,201),d; return d
def get(path):
    c.request("GET",path); r=c.getresponse(); r.read(); return r.status
S="Everyone has the right to education."
for _ in range(3): post("/v1/translate",{"text":S,"source":"eng_Latn","target":"fra_Latn"})
post("/v1/translate",{"text":S,"source":"eng_Latn","target":"deu_Latn"})
# entries for eng->deu (another sentence), and one for S eng->spa
post("/v1/corrections",{"text":"No one shall be held in slavery.","source":"eng_Latn","target":"deu_Latn","correction":"Niemand darf in Sklaverei gehalten werden."})
post("/v1/corrections",{"text":S,"source":"eng_Latn","target":"spa_Latn","correction":"Toda persona tiene derecho a la educación."})
runs={
 "healthz (no query)": lambda: get("/healthz"),
 "GET /v1/memories (one query)": lambda: get("/v1/memories"),
 "translate, no entries for the pair (cached sentence)": lambda: post("/v1/translate",{"text":S,"source":"eng_Latn","target":"fra_Latn"}),
 "translate, pair has entries, sentence not in memory (cached)": lambda: post("/v1/translate",{"text":S,"source":"eng_Latn","target":"deu_Latn"}),
 "translate, sentence from memory": lambda: post("/v1/translate",{"text":S,"source":"eng_Latn","target":"spa_Latn"}),
}
times={k:[] for k in runs}
for rnd in range(400):
    for k,f in runs.items():
        t=time.perf_counter(); f(); times[k].append(time.perf_counter()-t)
p.terminate()
p.wait()
shutil.rmtree(data, ignore_errors=True)
base=statistics.median(times["translate, no entries for the pair (cached sentence)"])
for k,v in times.items():
    m=statistics.median(v)
    print(f"{k:<62} median {m*1000:7.3f} ms  ×{m/base:.3f}")
