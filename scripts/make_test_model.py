#!/usr/bin/env python3
"""Build Tolk's tiny NLLB test model and the reference outputs the Rust pipeline must reproduce.

    scripts/make-test-model            # everything: tokenizer, training, conversion, references
    scripts/make-test-model --references-only   # rerun only the Python reference pipeline

The model has the NLLB architecture (M2M100, NLLB vocabulary layout with all 202 language tokens),
a SentencePiece BPE model trained on real text in ~160 languages, and is trained for a few minutes
on parallel UDHR paragraphs so that its output depends on the source text and on the target
language. Only the preamble and articles 1-15 are used for training; the reference inputs come
from articles 16-30. Versions are pinned in scripts/requirements-model.txt; docs/test-model.md
explains the recipe.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import ctranslate2
import sentencepiece as spm

import udhr
from nllb_arch import nllb_config

ROOT = Path(__file__).resolve().parent.parent
MODEL_DIR = ROOT / "tests" / "fixtures" / "tiny-nllb"
REFERENCE_FILE = ROOT / "tests" / "fixtures" / "reference" / "tiny-nllb.json"

SEED = 20261123
VOCAB_PIECES = 8000
TRAIN_MAX_TOKENS = 32
TRAIN_STEPS = 3000
BATCH_SIZE = 64
LEARNING_RATE = 3e-3

# The decoding limit follows the source length (tokens incl. language token and </s>) so that a
# long sentence is never cut at a fixed length; translator/src/options.rs implements the same rule.
DECODE_PER_SOURCE_TOKEN = 2
DECODE_EXTRA = 10
DECODE_CAP = 1024

# Languages of the reference inputs: the ones the engine issue names, then a spread of scripts
# and resource levels.
REFERENCE_LANGS = [
    "arb_Arab", "heb_Hebr", "urd_Arab", "zho_Hans", "jpn_Jpan", "amh_Ethi", "bod_Tibt", "hin_Deva",
    "quy_Latn", "mri_Latn", "lug_Latn", "ast_Latn", "eng_Latn", "fra_Latn", "spa_Latn", "deu_Latn",
    "rus_Cyrl", "kor_Hang", "tha_Thai", "mya_Mymr", "khm_Khmr", "ell_Grek", "hye_Armn", "kat_Geor",
    "tam_Taml", "swh_Latn", "yor_Latn", "hau_Latn", "smo_Latn", "fij_Latn", "kin_Latn", "grn_Latn",
    "tzm_Tfng", "zho_Hant", "pes_Arab",
]
INPUTS_PER_LANG = 2
BEAMS = (1, 4)

# Sentence ends: a terminator followed by white space, or a CJK full stop anywhere.
_SENTENCE_END = re.compile(r"(?<=[.!?।॥။።؟۔༎])\s+|(?<=[。！？])")


def log(msg: str) -> None:
    print(f"[make-test-model] {msg}", file=sys.stderr, flush=True)


def decoding_limit(source_tokens: int) -> int:
    return min(DECODE_CAP, DECODE_PER_SOURCE_TOKEN * source_tokens + DECODE_EXTRA)


def nllb_codes() -> list[str]:
    from transformers.models.nllb.tokenization_nllb import FAIRSEQ_LANGUAGE_CODES

    assert len(FAIRSEQ_LANGUAGE_CODES) == 202
    return list(FAIRSEQ_LANGUAGE_CODES)


def train_sentencepiece(decls, work: Path) -> Path:
    corpus = work / "spm-corpus.txt"
    lines = [p for d in decls.values() for _, p in d.train_paragraphs()]
    random.Random(SEED).shuffle(lines)
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    spm.SentencePieceTrainer.train(
        input=str(corpus),
        model_prefix=str(work / "sentencepiece.bpe"),
        vocab_size=VOCAB_PIECES,
        model_type="bpe",
        character_coverage=0.9995,
        # fairseq's layout, as in NLLB's own model: <unk>=0, <s>=1, </s>=2, no <pad>.
        unk_id=0, bos_id=1, eos_id=2, pad_id=-1,
        num_threads=1,
        shuffle_input_sentence=False,
        minloglevel=2,
    )
    return work / "sentencepiece.bpe.model"


def training_pairs(decls, codes_in_vocab):
    """(src, tgt, src_text, tgt_text): every training paragraph paired with the same paragraph in
    other languages, plus same-language pairs so that the model learns to look at its source."""
    langs = sorted(decls)
    by_key: dict[str, dict[str, str]] = {}
    for lang in langs:
        for key, para in decls[lang].train_paragraphs():
            by_key.setdefault(key, {})[lang] = para
    rng = random.Random(SEED)
    pairs = []
    for key, texts in sorted(by_key.items()):
        present = sorted(texts)
        for src in present:
            for tgt in rng.sample(present, k=min(3, len(present))):
                pairs.append((src, tgt, texts[src], texts[tgt]))
            pairs.append((src, src, texts[src], texts[src]))
    rng.shuffle(pairs)
    assert all(s in codes_in_vocab and t in codes_in_vocab for s, t, _, _ in pairs)
    return pairs


def train_model(decls, spm_path: Path, work: Path, steps: int) -> Path:
    import torch
    from transformers import M2M100ForConditionalGeneration, NllbTokenizer

    torch.manual_seed(SEED)
    torch.set_num_threads(2)
    hf_dir = work / "hf"
    tok = NllbTokenizer(vocab_file=str(spm_path), legacy_behaviour=False)
    tok.save_pretrained(hf_dir)
    vocab = tok.get_vocab()
    config = nllb_config(tok, vocab_size=len(tok), d_model=64, layers=2, heads=4, ffn=256)
    model = M2M100ForConditionalGeneration(config)
    pairs = training_pairs(decls, vocab)
    log(f"{len(pairs)} training pairs over {len(decls)} languages")

    def encode(lang: str, text: str) -> list[int]:
        ids = tok.convert_tokens_to_ids(tok.tokenize(text))[: TRAIN_MAX_TOKENS - 2]
        return [vocab[lang]] + ids + [tok.eos_token_id]

    examples = [(encode(s, x), encode(t, y)) for s, t, x, y in pairs]
    pad = tok.pad_token_id
    opt = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE, weight_decay=0.01)
    batch_size = BATCH_SIZE
    step, order = 0, list(range(len(examples)))
    rng = random.Random(SEED)
    started = time.monotonic()
    model.train()
    while step < steps:
        rng.shuffle(order)
        for start in range(0, len(order) - batch_size + 1, batch_size):
            batch = [examples[i] for i in order[start : start + batch_size]]
            src_len = max(len(s) for s, _ in batch)
            tgt_len = max(len(t) for _, t in batch)
            input_ids = torch.tensor([s + [pad] * (src_len - len(s)) for s, _ in batch])
            labels = torch.tensor([t + [-100] * (tgt_len - len(t)) for _, t in batch])
            decoder_input = torch.tensor(
                [[tok.eos_token_id] + t[:-1] + [pad] * (tgt_len - len(t)) for _, t in batch]
            )
            out = model(
                input_ids=input_ids,
                attention_mask=(input_ids != pad).long(),
                decoder_input_ids=decoder_input,
                labels=labels,
            )
            # Linear warm-up, then linear decay to a tenth.
            warmup = min(1.0, (step + 1) / 200)
            decay = 1.0 - 0.9 * step / steps
            for g in opt.param_groups:
                g["lr"] = LEARNING_RATE * warmup * decay
            opt.zero_grad()
            out.loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            step += 1
            if step % 100 == 0:
                rate = step / (time.monotonic() - started)
                log(f"step {step}/{steps} loss {out.loss.item():.3f} ({rate:.1f} steps/s)")
            if step >= steps:
                break
    log(f"trained {step} steps")
    model.eval()
    model.save_pretrained(hf_dir, safe_serialization=True)
    return hf_dir


def convert(hf_dir: Path, out: Path) -> None:
    converter = Path(sys.executable).parent / "ct2-transformers-converter"
    if out.exists():
        shutil.rmtree(out)
    subprocess.run(
        [str(converter), "--model", str(hf_dir), "--output_dir", str(out),
         "--copy_files", "sentencepiece.bpe.model", "--quantization", "float16"],
        check=True,
    )


def first_sentence(paragraph: str) -> str | None:
    sentence = _SENTENCE_END.split(paragraph)[0].strip()
    return sentence if 8 <= len(sentence) <= 220 else None


def reference_inputs(decls) -> list[dict]:
    """Single sentences from articles 16-30 (never seen in training), 2 per language, each sent
    to a target language chosen in rotation so that every language is also a target."""
    cases = []
    n = len(REFERENCE_LANGS)
    for i, src in enumerate(REFERENCE_LANGS):
        sentences = []
        for _, para in decls[src].eval_paragraphs():
            s = first_sentence(para)
            if s and s not in sentences:
                sentences.append(s)
        picks = [sentences[0], sentences[len(sentences) // 2]]
        for j, text in enumerate(picks[:INPUTS_PER_LANG]):
            tgt = REFERENCE_LANGS[(i + 1 + j * 7) % n]
            cases.append({"source_lang": src, "target_lang": tgt, "text": text})
    return cases


def make_references(model_dir: Path, decls) -> None:
    sp = spm.SentencePieceProcessor(model_file=str(model_dir / "sentencepiece.bpe.model"))
    translator = ctranslate2.Translator(str(model_dir), device="cpu", inter_threads=1,
                                        intra_threads=2)
    inputs = reference_inputs(decls)
    out_cases = []
    distinct_by_target: dict[tuple, set] = {}
    for beam in BEAMS:
        for n, case in enumerate(inputs):
            source = [case["source_lang"]] + sp.encode(case["text"], out_type=str) + ["</s>"]
            limit = decoding_limit(len(source))
            # One sentence per call: the canonical result, independent of batch composition.
            result = translator.translate_batch(
                [source], target_prefix=[[case["target_lang"]]], beam_size=beam,
                num_hypotheses=1, return_scores=True, max_input_length=0,
                max_decoding_length=limit, length_penalty=1.0, repetition_penalty=1.0,
                no_repeat_ngram_size=0,
            )[0]
            tokens = result.hypotheses[0]
            if tokens and tokens[0] == case["target_lang"]:
                tokens = tokens[1:]
            text = sp.decode(tokens)
            out_cases.append({
                "id": f"b{beam}-{n:03d}", **case, "beam_size": beam,
                "source_tokens": source, "max_decoding_length": limit,
                "output_tokens": tokens, "output_text": text, "score": result.scores[0],
            })
            distinct_by_target.setdefault((beam, case["target_lang"]), set()).add(text)
    # The fixture is useless if the model ignores its input: fail loudly here rather than let
    # parity tests pass on a degenerate model.
    texts = [c["output_text"] for c in out_cases if c["beam_size"] == 1]
    distinct = len(set(texts)) / len(texts)
    log(f"distinct outputs at beam 1: {distinct:.0%}")
    if distinct < 0.9:
        raise SystemExit("the model gives the same output for different inputs; train longer")
    REFERENCE_FILE.parent.mkdir(parents=True, exist_ok=True)
    REFERENCE_FILE.write_text(json.dumps({
        "about": "Reference outputs of the Python pipeline (ctranslate2 + sentencepiece, "
                 "CTranslate2's NLLB recipe) on tests/fixtures/tiny-nllb; made by "
                 "scripts/make-test-model. Inputs are UDHR articles 16-30.",
        "ctranslate2": ctranslate2.__version__,
        "sentencepiece": spm.__version__,
        "decoding_limit": {"per_source_token": DECODE_PER_SOURCE_TOKEN, "extra": DECODE_EXTRA,
                           "cap": DECODE_CAP},
        "cases": out_cases,
    }, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    log(f"wrote {len(out_cases)} reference outputs over "
        f"{len({c['source_lang'] for c in out_cases})} source languages to {REFERENCE_FILE}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--references-only", action="store_true",
                        help="keep the committed model; only regenerate the reference outputs")
    parser.add_argument("--steps", type=int, default=TRAIN_STEPS, help="training steps")
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "tolk")
    args = parser.parse_args()

    random.seed(SEED)
    codes = nllb_codes()
    decls = udhr.load(args.cache, codes)
    log(f"UDHR text for {len(decls)} of {len(codes)} NLLB languages")
    if not args.references_only:
        work = args.cache / "tiny-nllb-work"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        spm_path = train_sentencepiece(decls, work)
        hf_dir = train_model(decls, spm_path, work, args.steps)
        convert(hf_dir, MODEL_DIR)
        size = sum(p.stat().st_size for p in MODEL_DIR.iterdir())
        log(f"model written to {MODEL_DIR} ({size / 1e6:.1f} MB)")
        if size > 10_000_000:
            raise SystemExit("the test model must stay under 10 MB")
    make_references(MODEL_DIR, decls)


if __name__ == "__main__":
    main()
