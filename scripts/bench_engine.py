#!/usr/bin/env python3
"""Tolk's engine against the Python CTranslate2 wheel and transformers, side by side.

    scripts/bench-engine [--runs 3] [--sentences 32] [--tokens 32] [--threads 2]
                         [--tolk NAME=PATH ...] [--skip-transformers]

Every engine runs in its own process on the same model (scripts/make-bench-model), the same UDHR
sentences, the same thread count, greedy and beam 4, with the decoding length fixed
(min = max) so that every side produces the same number of tokens. Runs are interleaved
(run 1 of every engine, then run 2, ...) so that load on the shared machine hits all alike. Prints
output tokens per second (median over runs), peak resident memory, and the ratios a/b and a/c.
`--tolk NAME=PATH[,threads=T][,replicas=R]` measures a given `engine_bench` build (e.g. another CPU
backend) or thread/replica split; repeat it to compare several.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import udhr

ROOT = Path(__file__).resolve().parent.parent
MODEL = Path.home() / ".cache" / "tolk" / "bench-nllb-600m"
TARGET = "fra_Latn"
SOURCES = ["eng_Latn", "spa_Latn", "deu_Latn", "quy_Latn", "lug_Latn", "mri_Latn", "ast_Latn", "urd_Arab"]


def sentences(count: int) -> list[tuple[str, str]]:
    """Paragraphs of UDHR articles 16-30 in several languages, round robin."""
    decls = udhr.load(Path.home() / ".cache" / "tolk", SOURCES)
    pools = {lang: [p for _, p in decls[lang].eval_paragraphs() if 40 <= len(p) <= 300] for lang in SOURCES}
    out = []
    i = 0
    while len(out) < count:
        lang = SOURCES[i % len(SOURCES)]
        out.append((lang, pools[lang][i // len(SOURCES)]))
        i += 1
    return out


# --- workers: each runs once in its own process and prints one JSON line -----------------------

def worker_ct2(model: str, sentences_file: str, beam: int, tokens: int, threads: int) -> None:
    import ctranslate2
    import sentencepiece as spm

    pairs = json.loads(Path(sentences_file).read_text())
    started = time.perf_counter()
    sp = spm.SentencePieceProcessor(model_file=str(Path(model) / "sentencepiece.bpe.model"))
    translator = ctranslate2.Translator(model, device="cpu", inter_threads=1, intra_threads=threads)
    load = time.perf_counter() - started
    source = [[lang] + sp.encode(text, out_type=str) + ["</s>"] for lang, text in pairs]
    started = time.perf_counter()
    results = translator.translate_batch(
        source, target_prefix=[[TARGET]] * len(source), beam_size=beam, max_input_length=0,
        min_decoding_length=tokens, max_decoding_length=tokens, return_scores=True,
    )
    for r in results:  # detokenize, as Tolk does
        sp.decode(r.hypotheses[0][1:])
    seconds = time.perf_counter() - started
    produced = sum(len(r.hypotheses[0]) - 1 for r in results)
    print(json.dumps({"seconds": seconds, "output_tokens": produced, "load_seconds": load}))


def worker_hf(model: str, sentences_file: str, beam: int, tokens: int, threads: int) -> None:
    import torch
    from transformers import AutoModelForSeq2SeqLM, NllbTokenizer

    torch.set_num_threads(threads)
    pairs = json.loads(Path(sentences_file).read_text())
    hf_dir = str(Path(model).with_name(Path(model).name + "-hf"))
    started = time.perf_counter()
    tok = NllbTokenizer.from_pretrained(hf_dir)
    net = AutoModelForSeq2SeqLM.from_pretrained(hf_dir).eval()
    load = time.perf_counter() - started
    started = time.perf_counter()
    produced = 0
    # transformers tokenizes one source language per call; group by language.
    with torch.inference_mode():
        for lang in sorted({lang for lang, _ in pairs}):
            tok.src_lang = lang
            texts = [text for l, text in pairs if l == lang]
            batch = tok(texts, return_tensors="pt", padding=True)
            out = net.generate(
                **batch, forced_bos_token_id=tok.convert_tokens_to_ids(TARGET), num_beams=beam,
                min_new_tokens=tokens, max_new_tokens=tokens, do_sample=False,
            )
            # A random model also emits the converter's filler ids, which the tokenizer cannot name.
            tok.batch_decode([[i for i in row if i < len(tok)] for row in out.tolist()], skip_special_tokens=True)
            produced += out.shape[0] * (out.shape[1] - 2)  # minus decoder start and language token
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "output_tokens": produced, "load_seconds": load}))


# --- orchestrator ---------------------------------------------------------------------------

def run_measured(command: list[str]) -> dict:
    """Runs one worker; returns its JSON line plus its own peak resident memory (from wait4)."""
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out_chunks = proc.stdout.read()
    err_chunks = proc.stderr.read()  # workers print little, so reading one pipe then the other cannot block
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(command[:3])} failed:\n{err_chunks}")
    result = json.loads(out_chunks.strip().splitlines()[-1])
    result["peak_rss_mb"] = usage.ru_maxrss / 1024  # Linux reports KiB
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sentences", type=int, default=32)
    parser.add_argument("--tokens", type=int, default=32, help="output tokens per sentence (fixed)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--beams", default="1,4")
    parser.add_argument("--model", default=str(MODEL))
    parser.add_argument("--tolk", action="append", default=[], metavar="NAME=PATH",
                        help="an engine_bench binary to measure (default: the release build)")
    parser.add_argument("--skip-transformers", action="store_true")
    args = parser.parse_args()

    target_dir = Path(os.environ.get("CARGO_TARGET_DIR", Path.home() / ".cache/tolk/target"))
    default_bench = str(target_dir / "release/examples/engine_bench")
    tolks = []
    for spec in args.tolk or [f"tolk={default_bench}"]:
        name, rest = spec.split("=", 1)
        path, *settings = rest.split(",")
        extra = dict(kv.split("=", 1) for kv in settings)
        tolks.append((name, path or default_bench, extra.get("threads", str(args.threads)), extra.get("replicas", "1")))
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(sentences(args.sentences), f, ensure_ascii=False)
        sentences_file = f.name
    beams = [int(b) for b in args.beams.split(",")]
    engines = [(name, lambda beam, path=path, threads=threads, replicas=replicas: [
        path, args.model, sentences_file, TARGET, str(beam), str(args.tokens), threads, replicas])
        for name, path, threads, replicas in tolks]
    me = [sys.executable, __file__]
    engines.append(("ct2-python", lambda beam: me + ["--worker", "ct2", args.model, sentences_file, str(beam),
                                                      str(args.tokens), str(args.threads)]))
    if not args.skip_transformers:
        engines.append(("transformers", lambda beam: me + ["--worker", "hf", args.model, sentences_file,
                                                            str(beam), str(args.tokens), str(args.threads)]))
    results: dict[tuple[str, int], list[dict]] = {}
    for r in range(args.runs):
        for beam in beams:
            for name, command in engines:
                res = run_measured(command(beam))
                res["tps"] = res["output_tokens"] / res["seconds"]
                results.setdefault((name, beam), []).append(res)
                print(f"run {r + 1} beam {beam} {name:>14}: {res['tps']:8.1f} tok/s "
                      f"({res['seconds']:.2f} s, peak {res['peak_rss_mb']:.0f} MB)", file=sys.stderr, flush=True)

    print(f"\n{args.sentences} UDHR sentences → {TARGET}, {args.tokens} output tokens each, {args.threads} threads, "
          f"median of {args.runs} interleaved runs\n")
    header = "| engine | beam | output tok/s | vs ct2-python | vs transformers | peak RSS MB |"
    print(header)
    print("|---|---|---|---|---|---|")
    for beam in beams:
        base = statistics.median(r["tps"] for r in results[("ct2-python", beam)])
        hf = results.get(("transformers", beam))
        hf_tps = statistics.median(r["tps"] for r in hf) if hf else None
        for name, _ in engines:
            rs = results[(name, beam)]
            tps = statistics.median(r["tps"] for r in rs)
            rss = max(r["peak_rss_mb"] for r in rs)
            vs_hf = f"{tps / hf_tps:.2f}×" if hf_tps else "—"
            print(f"| {name} | {beam} | {tps:.1f} | {tps / base:.2f}× | {vs_hf} | {rss:.0f} |")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--worker":
        kind, model, sentences_file, beam, tokens, threads = sys.argv[2:8]
        worker = {"ct2": worker_ct2, "hf": worker_hf}[kind]
        worker(model, sentences_file, int(beam), int(tokens), int(threads))
    else:
        main()
