#!/usr/bin/env python3
"""Builds langs/data/everyday.tsv: short everyday sentences, none from UDHR, to test detection out
of the domain its profiles were trained on.

Sources (both read from git mirrors; neither is UDHR, and neither is text Tolk trains on):
- the Tatoeba test set of LASER (facebookresearch/LASER, data/tatoeba/v1: Tatoeba sentences of
  2018-11-17, CC BY 2.0 FR), everyday sentences for about 80 NLLB languages;
- for NLLB languages Tatoeba lacks there, the held-out test sentences of lingua-rs
  (pemistahl/lingua-rs, language-models/*/testdata/sentences.txt, Apache-2.0; news and web text
  from the Leipzig corpora, which lingua keeps apart from the text its models were built from).

Chinese sentences in Tatoeba mix both scripts; each is labelled simplified or traditional by OpenCC
(`pip install opencc==1.4.2`): a sentence that t2s leaves alone while s2t changes it is simplified,
and the reverse traditional; a sentence both leave alone is the same in both and is left out.

Kept: 5-15 words (6-30 characters for scripts written without spaces), in the label's script,
deduplicated; at most 150 per language, every third to the development split (for tuning) and the
rest to the test split (for the figures in docs/languages.md).

    python3 scripts/make_everyday_eval.py --laser LASER.git --lingua LINGUA.git > langs/data/everyday.tsv
"""

import argparse
import re
import subprocess
import sys
import unicodedata

# Tatoeba code in LASER -> NLLB code; left out: dialects and languages NLLB lacks or Tolk cannot
# answer (arz, awa and the constructed and historical ones).
TATOEBA = {
    "afr": "afr_Latn", "amh": "amh_Ethi", "ara": "arb_Arab", "ast": "ast_Latn", "aze": "azj_Latn",
    "bel": "bel_Cyrl", "ben": "ben_Beng", "bos": "bos_Latn", "bul": "bul_Cyrl", "cat": "cat_Latn",
    "ceb": "ceb_Latn", "ces": "ces_Latn", "cmn": "zho", "cym": "cym_Latn", "dan": "dan_Latn",
    "deu": "deu_Latn", "ell": "ell_Grek", "epo": "epo_Latn", "est": "est_Latn", "eus": "eus_Latn",
    "fao": "fao_Latn", "fin": "fin_Latn", "fra": "fra_Latn", "gla": "gla_Latn", "gle": "gle_Latn",
    "glg": "glg_Latn", "heb": "heb_Hebr", "hin": "hin_Deva", "hrv": "hrv_Latn", "hun": "hun_Latn",
    "hye": "hye_Armn", "ind": "ind_Latn", "isl": "isl_Latn", "ita": "ita_Latn", "jav": "jav_Latn",
    "jpn": "jpn_Jpan", "kab": "kab_Latn", "kat": "kat_Geor", "kaz": "kaz_Cyrl", "khm": "khm_Khmr",
    "kor": "kor_Hang", "kur": "kmr_Latn", "lit": "lit_Latn", "lvs": "lvs_Latn", "mal": "mal_Mlym",
    "mar": "mar_Deva", "mkd": "mkd_Cyrl", "mon": "khk_Cyrl", "nld": "nld_Latn", "nno": "nno_Latn",
    "nob": "nob_Latn", "oci": "oci_Latn", "pes": "pes_Arab", "pol": "pol_Latn", "por": "por_Latn",
    "ron": "ron_Latn", "rus": "rus_Cyrl", "slk": "slk_Latn", "slv": "slv_Latn", "spa": "spa_Latn",
    "sqi": "als_Latn", "srp": "srp_Cyrl", "swe": "swe_Latn", "swh": "swh_Latn", "tam": "tam_Taml",
    "tat": "tat_Cyrl", "tel": "tel_Telu", "tgl": "tgl_Latn", "tha": "tha_Thai", "tuk": "tuk_Latn",
    "tur": "tur_Latn", "uig": "uig_Arab", "ukr": "ukr_Cyrl", "urd": "urd_Arab", "uzb": "uzn_Latn",
    "vie": "vie_Latn", "war": "war_Latn", "xho": "xho_Latn", "yid": "ydd_Hebr", "yue": "yue_Hant",
    "zsm": "zsm_Latn",
}

# lingua-rs folder -> NLLB code, for NLLB languages the Tatoeba set above does not have.
LINGUA = {
    "zu": "zul_Latn", "lg": "lug_Latn", "sn": "sna_Latn", "so": "som_Latn", "st": "sot_Latn",
    "tn": "tsn_Latn", "ts": "tso_Latn", "yo": "yor_Latn", "mi": "mri_Latn", "gu": "guj_Gujr",
    "pa": "pan_Guru",
}

UNSPACED = {"Hans", "Hant", "Jpan", "Thai", "Khmr"}
PER_LANGUAGE = 150

# Unicode script names as they start in unicodedata.name(), per ISO 15924 code.
SCRIPT_NAMES = {
    "Latn": ("LATIN",), "Cyrl": ("CYRILLIC",), "Arab": ("ARABIC",), "Hebr": ("HEBREW",),
    "Grek": ("GREEK",), "Armn": ("ARMENIAN",), "Geor": ("GEORGIAN",), "Deva": ("DEVANAGARI",),
    "Beng": ("BENGALI",), "Gujr": ("GUJARATI",), "Guru": ("GURMUKHI",), "Taml": ("TAMIL",),
    "Telu": ("TELUGU",), "Mlym": ("MALAYALAM",), "Thai": ("THAI",), "Khmr": ("KHMER",),
    "Ethi": ("ETHIOPIC",), "Hang": ("HANGUL",), "Hans": ("CJK",), "Hant": ("CJK",),
    "Jpan": ("CJK", "HIRAGANA", "KATAKANA"),
}


def git_show(repo, path):
    return subprocess.run(["git", "--git-dir", repo, "show", f"HEAD:{path}"], check=True,
                          capture_output=True, text=True).stdout


def in_script(text, script):
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return False
    names = SCRIPT_NAMES[script]
    inside = sum(1 for c in letters if unicodedata.name(c, "").startswith(names))
    return inside >= 0.9 * len(letters)


def fits(text, script):
    if script in UNSPACED:
        return 6 <= len(text) <= 30
    return 5 <= len(text.split()) <= 15


def chinese_label(text, s2t, t2s):
    to_trad, to_simp = s2t.convert(text), t2s.convert(text)
    if to_simp == text and to_trad != text:
        return "zho_Hans"
    if to_trad == text and to_simp != text:
        return "zho_Hant"
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--laser", required=True, help="git directory of facebookresearch/LASER")
    parser.add_argument("--lingua", required=True, help="git directory of pemistahl/lingua-rs")
    args = parser.parse_args()
    import opencc  # only needed here, so the rest of the repository does not depend on it

    s2t, t2s = opencc.OpenCC("s2t"), opencc.OpenCC("t2s")
    chosen = {}  # NLLB code -> (source, sentences)

    def keep(code, source, line):
        text = re.sub(r"\s+", " ", line).strip()
        if code == "zho":
            code = chinese_label(text, s2t, t2s)
            if code is None:
                return
        script = code.split("_")[1]
        if not text or not in_script(text, script) or not fits(text, script):
            return
        entry = chosen.setdefault(code, (source, []))
        if len(entry[1]) < PER_LANGUAGE and text not in entry[1]:
            entry[1].append(text)

    for tatoeba, code in TATOEBA.items():
        for line in git_show(args.laser, f"data/tatoeba/v1/tatoeba.{tatoeba}-eng.{tatoeba}").splitlines():
            keep(code, "tatoeba", line)
    # English: the English side of one pair (each pair's English sentences are a different draw).
    for line in git_show(args.laser, "data/tatoeba/v1/tatoeba.fra-eng.eng").splitlines():
        keep("eng_Latn", "tatoeba", line)
    for folder, code in LINGUA.items():
        for line in git_show(args.lingua, f"language-models/{folder}/testdata/sentences.txt").splitlines():
            keep(code, "lingua", line)

    out = sys.stdout
    out.write("# code\tsource/split/n\tsentence  (made by scripts/make_everyday_eval.py; provenance in docs/languages.md)\n")
    for code in sorted(chosen):
        source, sentences = chosen[code]
        for i, text in enumerate(sentences):
            split = "dev" if i % 3 == 0 else "test"
            out.write(f"{code}\t{source}/{split}/{i}\t{text}\n")
    print(f"{len(chosen)} languages, {sum(len(s) for _, s in chosen.values())} sentences", file=sys.stderr)
    for code in sorted(chosen):
        if len(chosen[code][1]) < PER_LANGUAGE:
            print(f"  {code}: only {len(chosen[code][1])}", file=sys.stderr)


if __name__ == "__main__":
    main()
