#!/usr/bin/env python3
"""Build the benchmark model: NLLB-200-distilled-600M's exact architecture with random weights.

    scripts/make-bench-model [--out DIR]

d_model 1024, 12 encoder and 12 decoder layers, 16 heads, FFN 4096, vocabulary 256206, scaled and
tied embeddings, ReLU: 615M parameters, converted to CTranslate2 int8 (about 620 MB, the size of
the real model). Its speed is the real model's speed; its output is noise, so benchmarks fix the
decoding length. The vocabulary has the real layout (`<s> <pad> </s> <unk>`, SentencePiece pieces,
the 202 language codes, `<mask>`, then filler entries up to 256206, as the converter pads the real
model), so Tolk loads it with the same code. Written outside the repository; never commit it.
The Hugging Face checkpoint (fp32) is kept beside it for the transformers comparison.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

from nllb_arch import nllb_config

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "tests" / "fixtures" / "tiny-nllb"
DEFAULT_OUT = Path.home() / ".cache" / "tolk" / "bench-nllb-600m"
SEED = 600
VOCAB_SIZE = 256206


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()

    import torch
    from transformers import M2M100ForConditionalGeneration, NllbTokenizer

    hf_dir = args.out.with_name(args.out.name + "-hf")
    if not (hf_dir / "model.safetensors").exists():
        torch.manual_seed(SEED)
        tok = NllbTokenizer(vocab_file=str(TINY / "sentencepiece.bpe.model"), legacy_behaviour=False)
        config = nllb_config(tok, vocab_size=VOCAB_SIZE, d_model=1024, layers=12, heads=16, ffn=4096)
        model = M2M100ForConditionalGeneration(config).eval()
        params = sum(p.numel() for p in model.parameters())
        print(f"[make-bench-model] {params / 1e6:.0f}M parameters", file=sys.stderr)
        model.save_pretrained(hf_dir, safe_serialization=True)
        tok.save_pretrained(hf_dir)
    converter = Path(sys.executable).parent / "ct2-transformers-converter"
    if args.out.exists():
        shutil.rmtree(args.out)
    subprocess.run(
        [str(converter), "--model", str(hf_dir), "--output_dir", str(args.out),
         "--copy_files", "sentencepiece.bpe.model", "--quantization", "int8"],
        check=True,
    )
    size = (args.out / "model.bin").stat().st_size
    print(f"[make-bench-model] {args.out} (model.bin {size / 1e6:.0f} MB)", file=sys.stderr)


if __name__ == "__main__":
    main()
