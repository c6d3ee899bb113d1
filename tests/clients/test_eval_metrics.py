#!/usr/bin/env python3
"""Checks that `tolk eval` scores as sacrebleu does: chrF++ and BLEU per direction equal
sacrebleu's (PyPI, the reference implementation) to 0.01 on the same files.

    python tests/clients/test_eval_metrics.py --tolk PATH_TO_TOLK --model tests/fixtures/tiny-nllb

Two kinds of runs:
- given hypotheses (`--hypotheses`): edited copies of the references in five directions and four
  scripts, with every BLEU tokenizer Tolk offers, so that scores fall between 0 and 100;
- Tolk's own translations with the test model (`--write-hypotheses`), whose scores sacrebleu then
  recomputes from the written file.
One line per check, then `N passed, N failed`; exits 1 when a check fails. Needs sacrebleu
(tests/clients/requirements.txt; scripts/api-check installs it and runs this).
"""

import argparse
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

try:
    from sacrebleu.metrics import BLEU, CHRF
except ImportError:
    sys.exit("test_eval_metrics.py: sacrebleu is not installed; run scripts/api-check.")

# (source language, target language, source, reference): short, real sentences.
ROWS = [
    ("eng_Latn", "fra_Latn", "Everyone has the right to education.", "Toute personne a droit à l'éducation."),
    ("eng_Latn", "fra_Latn", "The market opens at 8.30 on Monday, 3 May.", "Le marché ouvre à 8 h 30 le lundi 3 mai."),
    ("eng_Latn", "fra_Latn", "No one shall be held in slavery.", "Nul ne sera tenu en esclavage."),
    ("eng_Latn", "fra_Latn", "Call me at 555-0199 \"today\".", "Appelle-moi au 555-0199 « aujourd'hui »."),
    ("eng_Latn", "zho_Hans", "No one shall be held in slavery.", "任何人不得使为奴隶或奴役。"),
    ("eng_Latn", "zho_Hans", "Everyone has the right to education.", "人人都有受教育的权利。"),
    ("eng_Latn", "zho_Hans", "The meeting starts at 9:00.", "会议在9:00开始。"),
    ("eng_Latn", "jpn_Jpan", "Everyone has the right to education.", "すべて人は、教育を受ける権利を有する。"),
    ("eng_Latn", "jpn_Jpan", "No one shall be held in slavery.", "何人も、奴隷にされ、又は苦役に服することはない。"),
    ("eng_Latn", "arb_Arab", "Everyone has the right to education.", "لكل شخص الحق في التعلم."),
    ("eng_Latn", "arb_Arab", "No one shall be held in slavery.", "لا يجوز استرقاق أحد أو استعباده."),
    ("lug_Latn", "eng_Latn", "Buli muntu alina eddembe okusoma.", "Everyone has the right to education."),
    ("lug_Latn", "eng_Latn", "Tewali muntu alifugibwa ng'omuddu.", "No one shall be held in slavery."),
    ("lug_Latn", "eng_Latn", "Olukiiko lutandika ku ssaawa ssatu.", "The meeting starts at nine o'clock."),
]

passed = failed = 0


def check(name, condition, detail=""):
    global passed, failed
    if condition:
        passed += 1
        print(f"ok    {name}")
    else:
        failed += 1
        print(f"FAIL  {name}: {detail}")


def edited(text, rng):
    """A hypothesis near the reference: words dropped, swapped or repeated, characters changed."""
    words = text.split(" ")
    if len(words) > 2 and rng.random() < 0.5:
        del words[rng.randrange(len(words))]
    if len(words) > 2 and rng.random() < 0.4:
        i = rng.randrange(len(words) - 1)
        words[i], words[i + 1] = words[i + 1], words[i]
    out = " ".join(words)
    chars = list(out)
    for _ in range(rng.randrange(3)):
        if chars:
            chars[rng.randrange(len(chars))] = rng.choice("aeéx,.的は")
    return "".join(chars)


def tolk_eval(tolk, args):
    run = subprocess.run([tolk, "eval", "--json", *args], capture_output=True, text=True, timeout=600)
    if run.returncode != 0:
        raise RuntimeError(f"tolk eval {' '.join(args)} exited {run.returncode}: {run.stderr.strip()}")
    return json.loads(run.stdout)["directions"]


def sacre(rows, hypotheses, tokenizer):
    """sacrebleu's corpus chrF++ and BLEU of one direction."""
    refs = [[r[3] for r in rows]]
    chrf = CHRF(word_order=2).corpus_score(hypotheses, refs).score
    bleu = BLEU(tokenize=tokenizer).corpus_score(hypotheses, refs).score
    return chrf, bleu


def compare(label, rows, hypotheses, direction):
    """Tolk's scores of a direction against sacrebleu's, with the tokenizer Tolk reports."""
    pair = (direction["source"], direction["target"])
    mine = [(r, h) for r, h in zip(rows, hypotheses) if (r[0], r[1]) == pair]
    chrf, bleu = sacre([r for r, _ in mine], [h for _, h in mine], direction["tokenizer"])
    name = f"{label} {pair[0]}→{pair[1]} ({direction['tokenizer']}, {len(mine)} lines)"
    check(f"{name} chrF++ {direction['chrf']:.2f}", abs(direction["chrf"] - chrf) < 0.01, f"sacrebleu {chrf:.4f}")
    check(f"{name} BLEU {direction['bleu']:.2f}", abs(direction["bleu"] - bleu) < 0.01, f"sacrebleu {bleu:.4f}")
    return chrf, bleu


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tolk", required=True)
    parser.add_argument("--model", required=True)
    args = parser.parse_args()
    rng = random.Random(20261202)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        tsv = tmp / "test.tsv"
        tsv.write_text(
            "source_language\ttarget_language\tsource\treference\n"
            + "".join("\t".join(r) + "\n" for r in ROWS),
            encoding="utf-8",
        )
        hypotheses = [edited(r[3], rng) for r in ROWS]
        given = tmp / "given.txt"
        given.write_text("\n".join(hypotheses) + "\n", encoding="utf-8")

        directions = tolk_eval(args.tolk, ["--tsv", str(tsv), "--hypotheses", str(given)])
        check("five directions in input order", [(d["source"], d["target"]) for d in directions] == [
            ("eng_Latn", "fra_Latn"), ("eng_Latn", "zho_Hans"), ("eng_Latn", "jpn_Jpan"),
            ("eng_Latn", "arb_Arab"), ("lug_Latn", "eng_Latn"),
        ], directions)
        between = []
        for d in directions:
            chrf, bleu = compare("given", ROWS, hypotheses, d)
            between.append(0 < chrf < 100 and 0 < bleu < 100)
        check("the edited hypotheses score strictly between 0 and 100", all(between), between)
        for tokenizer in ["13a", "intl", "zh", "char", "none"]:
            for d in tolk_eval(args.tolk, ["--tsv", str(tsv), "--hypotheses", str(given), "--tokenize", tokenizer]):
                check(f"--tokenize {tokenizer} is used", d["tokenizer"] == tokenizer, d)
                compare("given", ROWS, hypotheses, d)

        # One direction from aligned files, translated by Tolk.
        fra = [r for r in ROWS if r[1] == "fra_Latn"]
        (tmp / "src.txt").write_text("".join(r[2] + "\n" for r in fra), encoding="utf-8")
        (tmp / "ref.txt").write_text("".join(r[3] + "\n" for r in fra), encoding="utf-8")
        written = tmp / "tolk.txt"
        directions = tolk_eval(args.tolk, [
            "--model", args.model, "--source", str(tmp / "src.txt"), "--reference", str(tmp / "ref.txt"),
            "--from", "English", "--to", "fra_Latn", "--write-hypotheses", str(written),
        ])
        translated = written.read_text(encoding="utf-8").split("\n")[:-1]
        check("one translation per line written", len(translated) == len(fra), translated)
        compare("translated", fra, translated, directions[0])
        quality = directions[0].get("quality") or {}
        check("the flagged share comes with Tolk's own translations",
              quality.get("sentences", 0) >= len(fra) and 0 <= quality.get("flagged", -1) <= quality["sentences"],
              quality)
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
