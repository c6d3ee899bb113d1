#!/usr/bin/env python3
"""Drives Tolk's LibreTranslate- and DeepL-compatible endpoints with the real clients: the PyPI
libretranslatepy, deep-translator and deepl, and the npm deepl-node, libretranslate-ts and
libretranslate (round_two.py holds the checks added for the second round of compatibility).

    python tests/clients/test_clients.py --tolk PATH_TO_TOLK --model tests/fixtures/tiny-nllb

Starts `tolk serve` itself (port 0, loopback), twice: once without API keys and once with a keys
file, and checks what `libretranslatepy` and the official `deepl` client get back: types, codes,
counts, the clients' own exceptions, and the text, which must equal what Tolk's own
`/v1/translate` answers for the same input with the default beam of 4 (the test model's
translations are nonsense, but deterministic). One line per check, then `N passed, N failed`;
exits 1 when a check fails, 2 when the servers cannot be started. The servers are stopped on
exit, failures and Ctrl-C included. Needs the packages of tests/clients/requirements.txt
(scripts/api-check installs them in a virtual environment and runs this).
"""

import argparse
import atexit
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import traceback
import urllib.error
import urllib.parse
import urllib.request

try:
    import deepl
    import libretranslatepy
except ImportError as missing:
    sys.exit(
        f"test_clients.py: {missing.name} is not installed; run scripts/api-check, or "
        "`pip install -r tests/clients/requirements.txt` in a virtual environment first."
    )

# Sentences the language detector tells apart with confidence; the translations are nonsense.
T_EN = "Everyone has the right to education. Education shall be free, at least in the elementary stages."
T_ES = "Toda persona tiene derecho a la educación. La educación debe ser gratuita."
T_FR = "Toute personne a droit à l'éducation. L'éducation doit être gratuite."
T_HTML = "<p>Everyone has the right to <b>education</b>.</p>"

# The keyed server's keys file: one key without limits and one with a small daily quota.
GOOD_KEY = "client-test-good-key"
QUOTA_KEY = "client-test-quota-key"
QUOTA_CHARS = 30
KEYS_FILE = f"{GOOD_KEY}\n{QUOTA_KEY} chars_per_day={QUOTA_CHARS}\n"

START_TIMEOUT = 120  # seconds for the server to listen and load the model
HTTP_TIMEOUT = 60  # seconds for one request

DeepLClient = getattr(deepl, "DeepLClient", None) or deepl.Translator


class CheckFailed(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise CheckFailed(message)


def short(value, limit=160):
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- The server ---------------------------------------------------------------------------------

SERVERS = []


class Server:
    """`tolk serve` on a free loopback port; its stderr is read to the end by a thread."""

    def __init__(self, tolk, model, name, extra=()):
        self.name = name
        self.lines = []
        self.done = False
        self.cond = threading.Condition()
        # Its own job database, removed with the server.
        self.data = tempfile.mkdtemp(prefix="tolk-data-")
        args = [tolk, "serve", "--model", model, "--port", "0", "--threads", "1"]
        args += ["--shutdown-timeout", "5", "--data-dir", self.data, *extra]
        env = dict(os.environ, NO_COLOR="1")
        self.proc = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
        SERVERS.append(self)
        threading.Thread(target=self._drain, daemon=True).start()
        first = self._wait_for(re.compile(r"listening on (http://\S+)"), START_TIMEOUT)
        self.url = first.group(1).rstrip("/")
        self._wait_for(re.compile(r"model loaded"), START_TIMEOUT)
        status, _, body = request("GET", self.url + "/readyz")
        if status != 200:
            self.fail(f"/readyz answered {status} {short(body)} after `model loaded`")

    def _drain(self):
        for line in self.proc.stderr:
            with self.cond:
                self.lines.append(line.rstrip("\n"))
                self.cond.notify_all()
        with self.cond:
            self.done = True
            self.cond.notify_all()

    def _wait_for(self, pattern, timeout):
        """Waits for a stderr line matching `pattern` (a condition, not a sleep)."""
        seen = 0
        found = None

        def ready():
            nonlocal seen, found
            while seen < len(self.lines):
                found = pattern.search(self.lines[seen])
                seen += 1
                if found:
                    return True
            return self.done

        with self.cond:
            self.cond.wait_for(ready, timeout)
        if found is None:
            why = f"exited ({self.proc.wait()})" if self.done else f"printed no such line in {timeout} s"
            self.fail(f"the server {why} while waiting for /{pattern.pattern}/")
        return found

    def fail(self, message):
        tail = "\n".join("    " + line for line in self.lines[-20:])
        self.stop()
        print(
            f"test_clients.py: {self.name}: {message}; its log ends with:\n{tail}",
            file=sys.stderr,
            flush=True,
        )
        raise SystemExit(2)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.data, ignore_errors=True)


def stop_all():
    for server in SERVERS:
        server.stop()


# --- Plain HTTP, to ask Tolk's own API --------------------------------------------------------------


def request(method, url, body=None, headers=None):
    """Returns (status, headers, parsed JSON or text) without raising on 4xx/5xx."""
    data = None
    headers = dict(headers or {})
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=HTTP_TIMEOUT) as resp:
            status, resp_headers, raw = resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        status, resp_headers, raw = err.code, err.headers, err.read()
    text = raw.decode("utf-8", "replace")
    try:
        return status, resp_headers, json.loads(text)
    except ValueError:
        return status, resp_headers, text


def v1_translate(server, text, source, target, fmt="text", key=None):
    """Tolk's own answer: the list of translations, each {text, source, detected?}."""
    body = {"text": text, "source": source, "target": target, "format": fmt, "options": {"beam_size": 4}}
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    status, _, answer = request("POST", server.url + "/v1/translate", body, headers)
    expect(status == 200, f"/v1/translate {short(body)} answered {status} {short(answer)}")
    return answer["translations"]


class Languages:
    """Tolk's /v1/languages, with the codes the two other APIs use for each language."""

    def __init__(self, server):
        status, _, answer = request("GET", server.url + "/v1/languages")
        expect(status == 200, f"/v1/languages answered {status}")
        self.items = answer["languages"]
        self.by_short = {item["short_code"]: item for item in self.items}
        self.by_code = {item["code"]: item for item in self.items}

    def short(self, nllb_code):
        return self.by_code[nllb_code]["short_code"]

    def nllb(self, short_code):
        return self.by_short[short_code]["code"]


# --- Checks -------------------------------------------------------------------------------------

RESULTS = []


def run_check(name, fn, *args):
    try:
        detail = fn(*args)
    except CheckFailed as err:
        RESULTS.append(False)
        print(f"FAIL  {name}: {err}", flush=True)
    except Exception as err:  # a client that crashed or raised what it should not
        RESULTS.append(False)
        where = traceback.extract_tb(err.__traceback__)[-1]
        print(
            f"FAIL  {name}: {type(err).__module__}.{type(err).__name__}: {short(str(err), 400)} "
            f"(at {os.path.basename(where.filename)}:{where.lineno})",
            flush=True,
        )
    else:
        RESULTS.append(True)
        print(f"ok    {name}" + (f" ({detail})" if detail else ""), flush=True)


def same_text(got, want, what):
    expect(isinstance(got, str), f"{what}: got {type(got).__name__} {short(got)}, not a string")
    expect(got == want, f"{what}: the client got {short(got)!r}, /v1/translate answers {short(want)!r}")


# LibreTranslate, through libretranslatepy ------------------------------------------------------


def lt_translate_explicit(server, langs):
    lt = libretranslatepy.LibreTranslateAPI(server.url)
    got = lt.translate(T_EN, "en", "es")
    same_text(got, v1_translate(server, T_EN, "en", "es")[0]["text"], "translate en->es")
    return f"{len(got)} chars"


def lt_translate_auto(server, langs):
    lt = libretranslatepy.LibreTranslateAPI(server.url)
    got = lt.translate(T_EN, "auto", "es")
    want = v1_translate(server, T_EN, "auto", "es")[0]
    same_text(got, want["text"], "translate auto->es")
    # The client keeps only translatedText; the same form again shows detectedLanguage.
    status, _, raw = form_post(server.url + "/translate", {"q": T_EN, "source": "auto", "target": "es"})
    expect(status == 200, f"POST /translate q=…&source=auto&target=es answered {status} {short(raw)}")
    detected = raw.get("detectedLanguage")
    expect(isinstance(detected, dict), f"detectedLanguage is {short(detected)}, not an object")
    expect(
        detected.get("language") == "en",
        f"detectedLanguage.language is {detected.get('language')!r}, not 'en'",
    )
    confidence = detected.get("confidence")
    expect(
        isinstance(confidence, (int, float)) and 0 <= confidence <= 100,
        f"confidence {confidence!r} not in 0..100",
    )
    v1_confidence = want["detected"]["confidence"] * 100
    expect(
        abs(confidence - v1_confidence) <= 0.5,
        f"confidence {confidence} but /v1/translate says {v1_confidence:.2f}",
    )
    return f"detected en, confidence {confidence}"


def lt_translate_codes(server, langs):
    lt = libretranslatepy.LibreTranslateAPI(server.url)
    for code in ("zt", "ast", "qu", "lg", "pt"):
        got = lt.translate(T_EN, "en", code)
        same_text(
            got, v1_translate(server, T_EN, "eng_Latn", langs.nllb(code))[0]["text"], f"translate en->{code}"
        )
    return "zt, ast, qu, lg, pt"


def lt_detect(server, langs):
    lt = libretranslatepy.LibreTranslateAPI(server.url)
    got = lt.detect(T_FR)
    expect(isinstance(got, list) and got, f"detect answered {short(got)}, not a non-empty list")
    for item in got:
        expect(
            set(item) == {"confidence", "language"},
            f"detect item {short(item)} has other keys than confidence, language",
        )
        expect(0 <= item["confidence"] <= 100, f"confidence {item['confidence']} not in 0..100")
        expect(
            item["language"] in langs.by_short,
            f"detected language {item['language']!r} is no LibreTranslate code of /languages",
        )
    confidences = [item["confidence"] for item in got]
    expect(
        confidences == sorted(confidences, reverse=True), f"detect is not sorted by confidence: {confidences}"
    )
    status, _, v1 = request("POST", server.url + "/v1/detect", {"text": T_FR})
    expect(status == 200, f"/v1/detect answered {status}")
    v1_top = langs.short(v1["detections"][0]["language"]["code"])
    expect(
        got[0]["language"] == "fr" == v1_top,
        f"detect's first language is {got[0]['language']!r}, /v1/detect's {v1_top!r}, the text is French",
    )
    return f"{len(got)} candidates, fr first at {got[0]['confidence']}"


# LibreTranslate lists Chinese by script and Portuguese twice (pt, pt-BR); Tolk's short codes
# are zh and zt for Chinese.
LIBRE_RENAMED = {"zh": "zh-Hans", "zt": "zh-Hant"}


def lt_languages(server, langs):
    lt = libretranslatepy.LibreTranslateAPI(server.url)
    got = lt.languages()
    expect(isinstance(got, list), f"languages answered {short(got)}, not a list")
    expect(len(got) == 203, f"{len(got)} languages, not 202 and pt-BR")
    codes = [item.get("code") for item in got]
    expect(len(set(codes)) == len(codes), "language codes are not unique")
    want = {LIBRE_RENAMED.get(code, code) for code in langs.by_short} | {"pt-BR"}
    expect(
        set(codes) == want,
        f"codes differ from /v1/languages' short codes: {sorted(set(codes) ^ want)[:10]}",
    )
    for code in ("en", "es", "zh-Hans", "zh-Hant", "pt", "pt-BR", "ast", "qu", "lg"):
        expect(code in codes, f"{code!r} is not among the codes")
    for item in got:
        expect(set(item) >= {"code", "name", "targets"}, f"{short(item)} lacks code, name or targets")
        if item["code"] == "pt-BR":
            continue
        nllb_short = {v: k for k, v in LIBRE_RENAMED.items()}.get(item["code"], item["code"])
        expect(
            item["name"] == langs.by_short[nllb_short]["name"],
            f"{item['code']}: name {item['name']!r} is not /v1/languages' {langs.by_short[nllb_short]['name']!r}",
        )
        expect(
            isinstance(item["targets"], list) and item["targets"],
            f"{item['code']}: targets {short(item['targets'])}",
        )
        unknown = set(item["targets"]) - set(codes)
        expect(not unknown, f"{item['code']}: targets name unknown codes {sorted(unknown)[:5]}")
    return f"{len(got)} languages"


def lt_ignored_key(server, langs):
    lt = libretranslatepy.LibreTranslateAPI(server.url, api_key="any-key")
    same_text(
        lt.translate(T_EN, "en", "es"),
        v1_translate(server, T_EN, "en", "es")[0]["text"],
        "translate with api_key, keys off",
    )
    expect(lt.detect(T_EN)[0]["language"] == "en", "detect with api_key, keys off: not en")
    expect(len(lt.languages()) == 203, "languages with api_key, keys off: not 203")
    return "translate, detect, languages"


def lt_translate_file(server, langs):
    # libretranslatepy has no call for files; this is the multipart form LibreTranslate's own
    # page and file-capable clients send, then the download the answer points to.
    content = f"{T_EN}\n\n{T_FR}\n"
    boundary = "tolk-client-test-boundary"
    parts = [("source", None, "en"), ("target", None, "es"), ("file", "notes.txt", content)]
    body = (
        b"".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"'.encode()
            + (f'; filename="{filename}"\r\nContent-Type: text/plain'.encode() if filename else b"")
            + b"\r\n\r\n"
            + value.encode()
            + b"\r\n"
            for name, filename, value in parts
        )
        + f"--{boundary}--\r\n".encode()
    )
    req = urllib.request.Request(
        server.url + "/translate_file",
        data=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    try:
        with urllib.request.urlopen(req, timeout=HTTP_TIMEOUT) as resp:
            answer = json.loads(resp.read().decode())
    except urllib.error.HTTPError as err:
        raise CheckFailed(
            f"POST /translate_file answered {err.code} {short(err.read().decode('utf-8', 'replace'))}"
        )
    url = answer.get("translatedFileUrl")
    expect(
        isinstance(url, str) and url.startswith(server.url + "/"),
        f"translatedFileUrl {url!r} is not on {server.url}",
    )
    status, _, got = request("GET", url)
    expect(status == 200, f"GET {url} answered {status}")
    same_text(got, v1_translate(server, content, "en", "es")[0]["text"], "the downloaded file")
    return url.rsplit("/", 1)[-1]


def form_post(url, fields):
    """POSTs a form exactly as libretranslatepy does, to see what the client throws away."""
    req = urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode())
    try:
        with urllib.request.urlopen(req, timeout=HTTP_TIMEOUT) as resp:
            return resp.status, resp.headers, json.loads(resp.read().decode())
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read().decode("utf-8", "replace")


# DeepL, through the official client ---------------------------------------------------------------


def deepl_client(server, key="any-key"):
    return DeepLClient(key, server_url=server.url, send_platform_info=False)


def deepl_code(langs, nllb_code):
    return langs.short(nllb_code).upper()


def deepl_detected(server, langs):
    dl = deepl_client(server)
    got = dl.translate_text(T_EN, target_lang="DE")
    expect(
        isinstance(got, deepl.TextResult), f"translate_text returned {type(got).__name__}, not one TextResult"
    )
    want = v1_translate(server, T_EN, "auto", "de")[0]
    same_text(got.text, want["text"], "translate_text to DE")
    expect(
        got.detected_source_lang == "EN", f"detected_source_lang is {got.detected_source_lang!r}, not 'EN'"
    )
    expect(
        got.detected_source_lang == deepl_code(langs, want["detected"]["code"]),
        "detected_source_lang differs from /v1/translate's",
    )
    expect(
        got.billed_characters == len(T_EN),
        f"billed_characters {got.billed_characters}, the text has {len(T_EN)}",
    )
    return f"EN detected, {got.billed_characters} characters billed"


def deepl_source_lang(server, langs):
    dl = deepl_client(server)
    got = dl.translate_text(T_ES, source_lang="ES", target_lang="EN-GB")
    same_text(got.text, v1_translate(server, T_ES, "es", "en")[0]["text"], "translate_text ES->EN-GB")
    expect(
        got.detected_source_lang == "ES",
        f"detected_source_lang is {got.detected_source_lang!r}, not the given 'ES'",
    )
    got = dl.translate_text(T_ES, source_lang="es", target_lang="en-us")
    same_text(
        got.text, v1_translate(server, T_ES, "es", "en")[0]["text"], "translate_text es->en-us (lower case)"
    )
    return "ES->EN-GB, es->en-us"


def deepl_list(server, langs):
    dl = deepl_client(server)
    texts = [T_EN, T_ES, T_FR]
    got = dl.translate_text(texts, target_lang="PT-BR")
    expect(isinstance(got, list) and len(got) == 3, f"translate_text of 3 texts returned {short(got)}")
    want = v1_translate(server, texts, "auto", "por_Latn")
    for i, (result, expected, code) in enumerate(zip(got, want, ("EN", "ES", "FR"))):
        same_text(result.text, expected["text"], f"text {i} to PT-BR")
        expect(
            result.detected_source_lang == code,
            f"text {i}: detected_source_lang {result.detected_source_lang!r}, not {code!r}",
        )
        expect(
            result.billed_characters == len(texts[i]),
            f"text {i}: billed_characters {result.billed_characters}, not {len(texts[i])}",
        )
    return "3 texts in order, EN ES FR detected"


def deepl_html(server, langs):
    dl = deepl_client(server)
    got = dl.translate_text(T_HTML, target_lang="DE", tag_handling="html")
    same_text(
        got.text,
        v1_translate(server, T_HTML, "auto", "deu_Latn", fmt="html")[0]["text"],
        "tag_handling=html to DE",
    )
    for tag in ("<p>", "</p>", "<b>", "</b>"):
        expect(tag in got.text, f"{tag} lost: {short(got.text)}")
    expect(
        got.detected_source_lang == "EN", f"detected_source_lang is {got.detected_source_lang!r}, not 'EN'"
    )
    return "tags kept"


def deepl_ignored_options(server, langs):
    dl = deepl_client(server)
    got = dl.translate_text(
        T_EN,
        source_lang="EN",
        target_lang="DE",
        formality="prefer_more",
        split_sentences="nonewlines",
        preserve_formatting=True,
        context="A sentence from a declaration.",
        model_type="quality_optimized",
    )
    same_text(
        got.text,
        v1_translate(server, T_EN, "en", "de")[0]["text"],
        "translate_text with options Tolk ignores",
    )
    expect(
        got.model_type_used == "quality_optimized",
        f"model_type_used is {got.model_type_used!r}, not 'quality_optimized'",
    )
    return "formality, split_sentences, preserve_formatting, context, model_type"


def deepl_glossaries(server, langs):
    """The client's glossary methods, unchanged, against Tolk's /v2/glossaries."""
    dl = deepl_client(server)
    pairs = dl.get_glossary_languages()
    expect(any(p.source_lang == "en" and p.target_lang == "lg" for p in pairs),
           f"get_glossary_languages lacks en->lg among {len(pairs)} pairs")
    entries = {"nurse": "omusawo", "health centre": "eddwaliro"}
    made = dl.create_glossary("Clinic", "EN", "LG", entries)
    expect(made.entry_count == 2 and made.ready, f"create_glossary answered {made}")
    expect(made.source_lang == "EN" and made.target_lang == "LG", f"languages {made.source_lang}->{made.target_lang}")
    from_csv = dl.create_glossary_from_csv("Clinic CSV", "EN", "LG", 'nurse,omusawo\n"health, centre",eddwaliro\n')
    expect(from_csv.entry_count == 2, f"create_glossary_from_csv answered {from_csv}")
    got = dl.get_glossary(made.glossary_id)
    expect(got.glossary_id == made.glossary_id and got.name == "Clinic", f"get_glossary answered {got}")
    listed = [g.glossary_id for g in dl.list_glossaries()]
    expect(made.glossary_id in listed and from_csv.glossary_id in listed, f"list_glossaries answered {listed}")
    expect(dl.get_glossary_entries(made) == entries, f"get_glossary_entries answered {dl.get_glossary_entries(made)}")
    result = dl.translate_text("Ask the nurse at the health centre.", source_lang="EN", target_lang="LG", glossary=made)
    expect("omusawo" in result.text and "eddwaliro" in result.text, f"translate_text with the glossary: {result.text!r}")
    dl.delete_glossary(made)
    dl.delete_glossary(from_csv.glossary_id)
    try:
        dl.get_glossary(made.glossary_id)
        raise CheckFailed("get_glossary of a deleted glossary did not raise")
    except deepl.GlossaryNotFoundException:
        pass
    return f"{len(pairs)} pairs; made from a dict and from CSV, read, listed, used, deleted"


def deepl_multilingual_glossaries(server, langs):
    """The client's v3 (multilingual) glossary methods, unchanged, against Tolk's /v3/glossaries."""
    dl = deepl_client(server)
    if not hasattr(dl, "create_multilingual_glossary"):
        raise CheckFailed(f"deepl {deepl.__version__} has no multilingual glossary methods")
    from deepl.api_data import MultilingualGlossaryDictionaryEntries as Entries

    lg = Entries("EN", "LG", {"nurse": "omusawo", "health centre": "eddwaliro"})
    fr = Entries("EN", "FR", {"nurse": "ZZinfirm"})
    made = dl.create_multilingual_glossary("Clinic", [lg, fr])
    counts = sorted((d.source_lang, d.target_lang, d.entry_count) for d in made.dictionaries)
    expect(counts == [("EN", "FR", 1), ("EN", "LG", 2)], f"create_multilingual_glossary answered {counts}")
    got = dl.get_multilingual_glossary(made.glossary_id)
    expect(got.name == "Clinic" and got.creation_time == made.creation_time, f"get answered {got}")
    expect(made.glossary_id in [g.glossary_id for g in dl.list_multilingual_glossaries()], "not listed")
    # The client hands the entries over as DeepL sends them: TSV, in order.
    entries = dl.get_multilingual_glossary_entries(made, "EN", "LG").dictionaries[0].entries
    expect(entries == "nurse\tomusawo\nhealth centre\teddwaliro", f"entries {entries!r}")
    dl.update_multilingual_glossary_dictionary(
        made, Entries("EN", "LG", {"nurse": "musawo", "doctor": "dokita"}))
    entries = dl.get_multilingual_glossary_entries(made, "EN", "LG").dictionaries[0].entries
    expect(entries == "nurse\tmusawo\nhealth centre\teddwaliro\ndoctor\tdokita", f"merged: {entries!r}")
    dl.replace_multilingual_glossary_dictionary(
        made, Entries("EN", "FR", {"clinic": "ZZclinique"}))
    renamed = dl.update_multilingual_glossary_name(made, "Clinic terms")
    expect(renamed.name == "Clinic terms", f"renamed: {renamed.name}")
    result = dl.translate_text("Ask the nurse at the health centre.", source_lang="EN", target_lang="LG", glossary=made)
    expect("musawo" in result.text and "eddwaliro" in result.text, f"translate_text with it: {result.text!r}")
    result = dl.translate_text("Go to the clinic.", source_lang="EN", target_lang="FR", glossary=made)
    expect("ZZclinique" in result.text, f"translate_text into French with it: {result.text!r}")
    dl.delete_multilingual_glossary_dictionary(made, source_lang="EN", target_lang="FR")
    left = [(d.source_lang, d.target_lang) for d in dl.get_multilingual_glossary(made.glossary_id).dictionaries]
    expect(left == [("EN", "LG")], f"after deleting a dictionary: {left}")
    dl.delete_multilingual_glossary(made)
    try:
        dl.get_multilingual_glossary(made.glossary_id)
        raise CheckFailed("get_multilingual_glossary of a deleted glossary did not raise")
    except deepl.GlossaryNotFoundException:
        pass
    return "made with two dictionaries, read, listed, entries, merged, replaced, renamed, used, dictionary deleted, deleted"


def deepl_xml_tags(server, langs):
    """tag_handling=xml with ignore_tags, splitting_tags and outline_detection, as the client sends them."""
    dl = deepl_client(server)
    xml = '<doc><par>Hello <keep id="7">Do not touch</keep> my friend.</par><par>See you tomorrow.</par></doc>'
    got = dl.translate_text(xml, source_lang="EN", target_lang="FR", tag_handling="xml", ignore_tags=["keep"],
                            splitting_tags=["par"], outline_detection=False).text
    expect('<keep id="7">Do not touch</keep>' in got, f"the ignored element is not kept: {got!r}")
    expect(got.startswith("<doc><par>") and got.endswith("</par></doc>") and got.count("<par>") == 2, f"markup: {got!r}")
    return "ignored element byte for byte, splitting tags kept"


def deepl_bad_language(server, langs):
    dl = deepl_client(server)
    try:
        dl.translate_text(T_EN, target_lang="XX-YY")
    except deepl.AuthorizationException as err:
        raise CheckFailed(f"an unknown target_lang raised AuthorizationException: {err}")
    except deepl.DeepLException as err:
        expect(
            err.http_status_code == 400, f"an unknown target_lang gave status {err.http_status_code}, not 400"
        )
        return "DeepLException 400"
    raise CheckFailed("an unknown target_lang XX-YY was translated")


def deepl_source_languages(server, langs):
    got = deepl_client(server).get_source_languages()
    codes = [lang.code for lang in got]
    expect(
        len(codes) == 202 and len(set(codes)) == 202,
        f"{len(codes)} source languages ({len(set(codes))} distinct), not 202",
    )
    want = {item["short_code"].upper() for item in langs.items}
    expect(
        set(codes) == want,
        f"source codes differ from /v1/languages' upper-cased short codes: {sorted(set(codes) ^ want)[:10]}",
    )
    for code in ("EN", "DE", "PT", "ZH", "QU", "AST"):
        expect(code in codes, f"{code} is not a source language")
    expect(all(lang.name for lang in got), "a source language has no name")
    return f"{len(codes)} languages"


def deepl_target_languages(server, langs):
    got = deepl_client(server).get_target_languages()
    codes = [lang.code for lang in got]
    variants = ["EN-GB", "EN-US", "PT-PT", "PT-BR", "ZH-HANS", "ZH-HANT"]
    missing = [code for code in variants if code not in codes]
    expect(
        not missing,
        f"{len(codes)} target languages without {', '.join(missing)} (the client sends GET /v2/languages with the "
        "form body type=target, not a query string)",
    )
    expect(len(codes) == len(set(codes)), "target codes are not unique")
    for code in ("EN", "PT"):
        expect(code not in codes, f"{code} is listed as a target beside its variants")
    formality = {type(lang.supports_formality) for lang in got}
    expect(formality == {bool}, f"supports_formality is {formality}, not always a bool")
    return f"{len(codes)} languages, with {', '.join(variants)}"


def deepl_target_languages_query(server, langs):
    status, _, got = request("GET", server.url + "/v2/languages?type=target")
    expect(
        status == 200 and isinstance(got, list),
        f"GET /v2/languages?type=target answered {status} {short(got)}",
    )
    codes = {item["language"] for item in got}
    for code in ("EN-GB", "EN-US", "PT-PT", "PT-BR", "ZH-HANS", "ZH-HANT"):
        expect(code in codes, f"{code} missing")
    return f"{len(codes)} languages"


def deepl_usage(server, langs):
    usage = deepl_client(server).get_usage()
    expect(usage.character.valid, f"character usage not understood: {usage}")
    expect(
        isinstance(usage.character.count, int) and usage.character.count >= 0,
        f"character_count {usage.character.count!r}",
    )
    expect(
        isinstance(usage.character.limit, int) and usage.character.limit > 0,
        f"character_limit {usage.character.limit!r}",
    )
    expect(not usage.any_limit_reached, "a limit is reached on a server without keys")
    return f"count {usage.character.count}, limit {usage.character.limit}"


# With API keys ---------------------------------------------------------------------------------


def lt_http_error(call, what):
    try:
        call()
    except urllib.error.HTTPError as err:
        body = err.read().decode("utf-8", "replace")
        try:
            message = json.loads(body)["error"]
        except (ValueError, KeyError, TypeError):
            raise CheckFailed(f'{what}: HTTP {err.code} with body {short(body)}, not {{"error": …}}')
        expect(isinstance(message, str), f"{what}: error is {short(message)}, not a string")
        return err.code
    raise CheckFailed(f"{what}: no error")


def lt_keys_right(server, langs):
    lt = libretranslatepy.LibreTranslateAPI(server.url, api_key=GOOD_KEY)
    same_text(
        lt.translate(T_EN, "en", "es"),
        v1_translate(server, T_EN, "en", "es", key=GOOD_KEY)[0]["text"],
        "translate with the key",
    )
    same_text(
        lt.translate(T_EN, "auto", "es"),
        v1_translate(server, T_EN, "auto", "es", key=GOOD_KEY)[0]["text"],
        "translate auto with the key",
    )
    expect(lt.detect(T_EN)[0]["language"] == "en", "detect with the key: not en")
    expect(len(lt.languages()) == 203, "languages with the key: not 203")
    return "translate, detect, languages"


def lt_keys_wrong(server, langs):
    wrong = libretranslatepy.LibreTranslateAPI(server.url, api_key="not-a-key")
    none = libretranslatepy.LibreTranslateAPI(server.url)
    seen = []
    for what, call, want in (
        ("translate, wrong key", lambda: wrong.translate(T_EN, "en", "es"), 403),
        ("detect, wrong key", lambda: wrong.detect(T_EN), 403),
        ("translate, no key", lambda: none.translate(T_EN, "en", "es"), 401),
        ("detect, no key", lambda: none.detect(T_EN), 401),
    ):
        code = lt_http_error(call, what)
        expect(code == want, f"{what}: HTTPError {code}, not {want}")
        seen.append(str(code))
    return "HTTPError " + "/".join(seen)


def deepl_keys_right(server, langs):
    dl = deepl_client(server, GOOD_KEY)
    before = dl.get_usage().character.count
    got = dl.translate_text(T_EN, target_lang="DE")
    after = dl.get_usage().character.count
    same_text(
        got.text,
        v1_translate(server, T_EN, "auto", "de", key=GOOD_KEY)[0]["text"],
        "translate_text with the key",
    )
    expect(
        after - before == got.billed_characters == len(T_EN),
        f"usage went from {before} to {after}, billed {got.billed_characters}, text {len(T_EN)}",
    )
    expect(len(dl.get_source_languages()) == 202, "get_source_languages with the key: not 202")
    return f"usage {before} -> {after}"


def deepl_keys_wrong(server, langs):
    dl = deepl_client(server, "not-a-key")
    for what, call in (
        ("translate_text", lambda: dl.translate_text(T_EN, target_lang="DE")),
        ("get_usage", dl.get_usage),
        ("get_source_languages", dl.get_source_languages),
    ):
        try:
            call()
        except deepl.AuthorizationException as err:
            expect(err.http_status_code == 403, f"{what}: status {err.http_status_code}")
            continue
        except deepl.DeepLException as err:
            raise CheckFailed(
                f"{what} with a wrong key raised {type(err).__name__} ({err.http_status_code}), not AuthorizationException"
            )
        raise CheckFailed(f"{what} with a wrong key succeeded")
    return "AuthorizationException (403) from translate_text, get_usage, get_source_languages"


def deepl_quota(server, langs):
    dl = deepl_client(server, QUOTA_KEY)
    usage = dl.get_usage()
    expect(
        usage.character.limit == QUOTA_CHARS,
        f"character_limit {usage.character.limit}, the key has {QUOTA_CHARS}",
    )
    first = "Good morning, my friend."  # 24 characters of 30
    got = dl.translate_text(first, target_lang="DE")
    expect(got.billed_characters == len(first), f"billed {got.billed_characters}")
    expect(dl.get_usage().character.count == len(first), "usage does not count the first text")
    try:
        dl.translate_text("Good evening.", target_lang="DE")  # 13 more: over 30
    except deepl.QuotaExceededException as err:
        expect(err.http_status_code == 456, f"status {err.http_status_code}, not 456")
    else:
        raise CheckFailed(f"{len(first)} + 13 characters on a key of {QUOTA_CHARS} a day were translated")
    expect(dl.get_usage().character.count == len(first), "the refused text was counted")
    lt = libretranslatepy.LibreTranslateAPI(server.url, api_key=QUOTA_KEY)
    code = lt_http_error(lambda: lt.translate("Good evening.", "en", "es"), "libretranslatepy over the quota")
    expect(code == 429, f"libretranslatepy over the quota: HTTPError {code}, not 429")
    return "QuotaExceededException (456); libretranslatepy HTTPError 429"


# --- Main -----------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tolk", required=True, help="the tolk binary")
    parser.add_argument("--model", required=True, help="the model directory (tests/fixtures/tiny-nllb)")
    args = parser.parse_args()
    if not os.access(args.tolk, os.X_OK):
        sys.exit(
            f"test_clients.py: {args.tolk} is not an executable; build tolk (scripts/tolk --version) first"
        )
    # round_two.py imports this file's helpers: it gets this module, not a second copy of it.
    sys.modules.setdefault("test_clients", sys.modules[__name__])
    global round_two
    import round_two

    atexit.register(stop_all)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda signum, frame: sys.exit(128 + signum))
    print(
        f"libretranslatepy {version('libretranslatepy')}, deep-translator {version('deep-translator')}, "
        f"deepl {deepl.__version__} ({DeepLClient.__name__})",
        flush=True,
    )

    plain = Server(args.tolk, args.model, "tolk serve")
    print(f"server without keys at {plain.url}", flush=True)
    langs = Languages(plain)
    for name, fn in (
        ("libretranslatepy translate en->es = /v1/translate", lt_translate_explicit),
        ("libretranslatepy translate auto->es = /v1/translate, detectedLanguage", lt_translate_auto),
        ("libretranslatepy translate to zt, ast, qu, lg, pt", lt_translate_codes),
        ("libretranslatepy detect", lt_detect),
        ("libretranslatepy languages", lt_languages),
        ("libretranslatepy with an api_key, keys off", lt_ignored_key),
        ("POST /translate_file, then its translatedFileUrl = /v1/translate", lt_translate_file),
        ("deepl translate_text, source detected, DE", deepl_detected),
        ("deepl translate_text with source_lang, EN-GB/EN-US", deepl_source_lang),
        ("deepl translate_text of a list, PT-BR", deepl_list),
        ("deepl translate_text tag_handling=html", deepl_html),
        ("deepl translate_text with options Tolk ignores", deepl_ignored_options),
        ("deepl unknown target_lang -> DeepLException 400", deepl_bad_language),
        ("deepl glossaries: create (dict, CSV), get, list, entries, translate, delete", deepl_glossaries),
        ("deepl multilingual glossaries (v3): create, get, list, entries, update, replace, rename, delete", deepl_multilingual_glossaries),
        ("deepl tag_handling=xml: ignore_tags, splitting_tags, outline_detection", deepl_xml_tags),
        ("deepl get_source_languages", deepl_source_languages),
        ("deepl get_target_languages", deepl_target_languages),
        ("GET /v2/languages?type=target (query string)", deepl_target_languages_query),
        ("deepl get_usage", deepl_usage),
        *round_two.PLAIN_CHECKS,
    ):
        run_check(name, fn, plain, langs)
    plain.stop()

    with tempfile.NamedTemporaryFile("w", prefix="tolk-keys-", suffix=".txt") as keys:
        keys.write(KEYS_FILE)
        keys.flush()
        keyed = Server(args.tolk, args.model, "tolk serve --api-keys-file", ["--api-keys-file", keys.name])
        print(f"server with keys at {keyed.url}", flush=True)
        for name, fn in (
            ("keys: libretranslatepy with the right key", lt_keys_right),
            ("keys: libretranslatepy with a wrong or no key -> HTTPError", lt_keys_wrong),
            ("keys: deepl with the right key, usage counted", deepl_keys_right),
            ("keys: deepl with a wrong key -> AuthorizationException", deepl_keys_wrong),
            ("keys: chars_per_day quota -> deepl QuotaExceededException", deepl_quota),
            *round_two.KEYED_CHECKS,
        ):
            run_check(name, fn, keyed, langs)
        keyed.stop()

    passed, failed = RESULTS.count(True), RESULTS.count(False)
    print(f"{passed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


def version(package):
    from importlib.metadata import version as installed

    return installed(package)


if __name__ == "__main__":
    sys.exit(main())
