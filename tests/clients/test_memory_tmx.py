#!/usr/bin/env python3
"""Checks Tolk's TMX against an independent TMX reader and writer: translate-toolkit (PyPI), the
library behind Pootle and Weblate's TMX support.

    python tests/clients/test_memory_tmx.py --tolk PATH_TO_TOLK --model tests/fixtures/tiny-nllb

1. Entries in six languages and five scripts (with XML's special characters) go into a memory
   through Tolk's API; the TMX export is read by translate-toolkit, which must find every unit
   with its source, target and languages.
2. translate-toolkit writes a TMX of its own; Tolk imports it, and its TSV export must hold the
   same pairs; Tolk's TMX of it re-imported into a second memory must export the same again
   (nothing lost on a round trip).
3. Tolk uses an imported entry: the sentence comes back translated as the memory says.
One line per check, then `N passed, N failed`; exits 1 when a check fails. Run by scripts/api-check.
"""

import argparse
import json
import sys
import urllib.request

try:
    from translate.storage import tmx
except ImportError:
    sys.exit("test_memory_tmx.py: translate-toolkit is not installed; run scripts/api-check.")

from test_clients import Server, stop_all

ROWS = [
    ("eng_Latn", "lug_Latn", "Good morning, mother.", "Wasuze otya, maama."),
    ("eng_Latn", "arb_Arab", 'Fish & <chips> "now"', "سمك وبطاطا الآن"),
    ("eng_Latn", "zho_Hans", "Where is the market?", "市场在哪里？"),
    ("eng_Latn", "hin_Deva", "The water is cold today.", "आज पानी ठंडा है।"),
    ("eng_Latn", "quy_Latn", "Thank you, my friend.", "Añay, wawqiy."),
    ("fra_Latn", "eng_Latn", "À demain, l'ami.", "See you tomorrow, friend."),
]
# BCP 47 tags CAT tools write, and the languages Tolk must read them as.
TAGS = {"en": "eng_Latn", "fr": "fra_Latn", "lg": "lug_Latn", "ar": "arb_Arab", "zh-CN": "zho_Hans",
        "hi": "hin_Deva", "quy": "quy_Latn"}

results = []


def check(ok, what):
    results.append(ok)
    print(("ok      " if ok else "FAILED  ") + what, flush=True)


def call(method, url, body=None, content_type=None):
    request = urllib.request.Request(url, data=body, method=method)
    if content_type:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def tsv(rows):
    return "".join("\t".join(row) + "\n" for row in rows)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tolk", required=True)
    parser.add_argument("--model", required=True)
    args = parser.parse_args()
    server = Server(args.tolk, args.model, "tolk serve (TMX)")
    try:
        base = server.url + "/v1/memories"
        status, body = call("POST", base + "/tolk/entries?format=tsv", tsv(ROWS).encode(), "text/plain")
        check(status == 201, f"TSV import answered {status} {body[:200]}")

        # 1. Tolk's TMX read by translate-toolkit.
        status, exported = call("GET", base + "/tolk/entries?format=tmx")
        check(status == 200, f"TMX export answered {status}")
        units = tmx.tmxfile.parsestring(exported.encode("utf-8")).units
        check(len(units) == len(ROWS), f"translate-toolkit reads {len(units)} units of {len(ROWS)}")
        for unit, (source_lang, target_lang, source, target) in zip(units, ROWS):
            check(unit.source == source and unit.target == target,
                  f"unit {source!r}: read as {unit.source!r} → {unit.target!r}")
            languages = [node.get("{http://www.w3.org/XML/1998/namespace}lang") for node in unit.getlanguageNodes()]
            check(len(languages) == 2 and all(languages), f"unit {source!r} has both languages: {languages}")

        # 2. translate-toolkit's TMX imported by Tolk, then round-tripped through Tolk's TMX.
        written = tmx.tmxfile(sourcelanguage="en", targetlanguage="lg")
        pairs = [("Please close the door.", "Ggalawo oluggi."), ("We eat at noon & rest.", "Tulya ku ssaawa mukaaga.")]
        for source, target in pairs:
            written.addtranslation(source, "en", target, "lg")
        status, body = call("POST", base + "/toolkit/entries", bytes(written), "application/x-tmx+xml")
        check(status == 201 and json.loads(body)["entries"] == 2, f"translate-toolkit's TMX imported: {status} {body[:200]}")
        status, body = call("GET", base + "/toolkit/entries?format=tsv")
        wanted = tsv([("eng_Latn", "lug_Latn", s, t) for s, t in pairs])
        check(body == wanted, f"its entries come back as written: {body!r}")
        status, again = call("GET", base + "/toolkit/entries?format=tmx")
        status, body = call("POST", base + "/copy/entries", again.encode("utf-8"), "application/xml")
        check(status == 201, f"Tolk's TMX re-imported: {status} {body[:200]}")
        status, body = call("GET", base + "/copy/entries?format=tsv")
        check(body == wanted, f"nothing lost on the round trip: {body!r}")
        status, body = call("GET", base + "/tolk/entries?format=tsv")
        check(body == tsv(ROWS), "the first memory exports as imported")

        # 3. An imported entry is used.
        status, body = call("POST", server.url + "/v1/translate",
                            json.dumps({"text": "Please close the door.", "source": "eng_Latn",
                                        "target": "lug_Latn"}).encode(), "application/json")
        answer = json.loads(body)["translations"][0]
        check(answer["text"] == pairs[0][1] and answer["sentences"][0]["origin"] == "memory",
              f"the imported sentence is translated from the memory: {answer['text']!r}")
        # CAT tools' language tags, as TAGS says.
        for tag, code in TAGS.items():
            written = tmx.tmxfile(sourcelanguage="en", targetlanguage=tag)
            written.addtranslation("One sentence.", "en" if tag != "en" else "fr", "Une phrase.", tag)
            status, body = call("POST", base + f"/tags-{tag}/entries", bytes(written), "application/x-tmx+xml")
            status, body = call("GET", base + f"/tags-{tag}/entries?format=tsv")
            check(body.split("\t")[1:2] == [code], f"xml:lang {tag!r} is read as {code}: {body!r}")
    finally:
        server.stop()
        stop_all()
    failed = results.count(False)
    print(f"{results.count(True)} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
