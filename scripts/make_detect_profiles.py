#!/usr/bin/env python3
"""Builds the language-detection profiles that ship in `langs/data/profiles.bin`, and the data the
evaluation reads.

Training text is the UDHR preamble and articles 1-15 only (see scripts/udhr.py); articles 16-30 go
to an evaluation file and nowhere else. For tuning the detector's settings without touching those,
a development split trains on the preamble and articles 1-12 and tests on articles 13-15.

Writes, under ~/.cache/tolk/detect/:
  train.tsv       code<TAB>paragraph       preamble + articles 1-15 (the shipped profiles' input)
  dev-train.tsv   code<TAB>paragraph       preamble + articles 1-12
  dev.tsv         code<TAB>key<TAB>paragraph  articles 13-15 (tuning)
  eval.tsv        code<TAB>key<TAB>paragraph  articles 16-30 (evaluation only)
  dev-profiles.bin                          profiles from dev-train.tsv
and langs/data/profiles.bin from train.tsv (counting is done by the `build_profiles` example, so the
n-grams are cut by the same code that detection uses).

Usage: python3 scripts/make_detect_profiles.py [--data-only]
Then:  cargo run --release -p langs --example detect_eval -- ~/.cache/tolk/detect/eval.tsv
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import udhr  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path.home() / ".cache" / "tolk"
OUT = CACHE / "detect"
DEV_TRAIN_LAST_ARTICLE = 12


def nllb_codes() -> list[str]:
    rows = (ROOT / "langs" / "data" / "languages.tsv").read_text(encoding="utf-8").splitlines()
    rows = [r for r in rows if r and not r.startswith("#")]
    return [r.split("\t")[0] for r in rows[1:]]


def article(key: str) -> int:
    """0 for the preamble, else the article number of a paragraph key such as `art13.0`."""
    return 0 if key.startswith("pre") else int(key[3:].split(".")[0])


def clean(text: str) -> str:
    return " ".join(text.replace("\t", " ").split())


def write(path: Path, rows: list[tuple[str, ...]]) -> None:
    path.write_text("".join("\t".join(r) + "\n" for r in rows), encoding="utf-8")
    print(f"{path}: {len(rows)} paragraphs")


def build(source: Path, target: Path) -> None:
    env = dict(os.environ)
    subprocess.run(
        ["cargo", "run", "--quiet", "--release", "-p", "langs", "--example", "build_profiles", "--", str(source), str(target)],
        cwd=ROOT, check=True, env=env,
    )


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    declarations = udhr.load(CACHE, nllb_codes())
    train, dev_train, dev, evaluation = [], [], [], []
    for code, decl in sorted(declarations.items()):
        for key, text in decl.train_paragraphs():
            train.append((code, clean(text)))
            if article(key) <= DEV_TRAIN_LAST_ARTICLE:
                dev_train.append((code, clean(text)))
            else:
                dev.append((code, key, clean(text)))
        evaluation += [(code, key, clean(text)) for key, text in decl.eval_paragraphs()]
    print(f"{len(declarations)} languages with a UDHR translation")
    write(OUT / "train.tsv", train)
    write(OUT / "dev-train.tsv", dev_train)
    write(OUT / "dev.tsv", dev)
    write(OUT / "eval.tsv", evaluation)
    if "--data-only" not in sys.argv:
        build(OUT / "dev-train.tsv", OUT / "dev-profiles.bin")
        build(OUT / "train.tsv", ROOT / "langs" / "data" / "profiles.bin")


if __name__ == "__main__":
    main()
