"""Checks run by test_clients.py with clients and client calls added after its first round:
deep-translator's LibreTranslator (which sends everything in the query string of a POST with no
body), the official DeepL client's document translation, and the Node clients (deepl-node,
libretranslate-ts, libretranslate) in tests/clients/node, run with `node --test`.

Each check takes (server, langs) like test_clients.py's and raises CheckFailed on a difference.
"""

import os
import subprocess
import tempfile

import deepl
from deep_translator import LibreTranslator
from deep_translator.exceptions import AuthorizationException, ServerException

from test_clients import (
    GOOD_KEY,
    QUOTA_KEY,
    T_EN,
    T_ES,
    T_HTML,
    CheckFailed,
    deepl_client,
    expect,
    same_text,
    short,
    v1_translate,
)

NODE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "node")

# deep-translator ---------------------------------------------------------------------------------


def libre_translator(server, key="any-key", source="en", target="es"):
    # The client needs a non-empty key, and a URL that ends with a slash.
    return LibreTranslator(source=source, target=target, api_key=key, custom_url=server.url + "/")


def dt_translate(server, langs):
    got = libre_translator(server).translate(T_EN)
    same_text(got, v1_translate(server, T_EN, "en", "es")[0]["text"], "translate en->es")
    auto = libre_translator(server, source="auto").translate(T_EN)
    same_text(auto, v1_translate(server, T_EN, "auto", "es")[0]["text"], "translate auto->es")
    # The client knows 17 languages by a list of its own, whatever the server lists.
    other = libre_translator(server, target="pt").translate(T_EN)
    same_text(other, v1_translate(server, T_EN, "en", "pt")[0]["text"], "translate en->pt")
    return "en->es, auto->es, en->pt"


def dt_batch_and_file(server, langs):
    texts = [T_EN, "No one shall be held in slavery."]
    got = libre_translator(server).translate_batch(texts)
    want = [v1_translate(server, text, "en", "es")[0]["text"] for text in texts]
    expect(got == want, f"translate_batch gave {short(got)}, /v1/translate {short(want)}")
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as file:
        file.write(T_EN)
    try:
        from_file = libre_translator(server).translate_file(file.name)
    finally:
        os.unlink(file.name)
    same_text(from_file, v1_translate(server, T_EN, "en", "es")[0]["text"], "translate_file")
    return "translate_batch of 2, translate_file"


def dt_keys(server, langs):
    same_text(
        libre_translator(server, GOOD_KEY).translate(T_EN),
        v1_translate(server, T_EN, "en", "es", key=GOOD_KEY)[0]["text"],
        "translate with the right key",
    )
    try:
        libre_translator(server, "not-a-key").translate(T_EN)
    except AuthorizationException:
        pass
    else:
        raise CheckFailed("a wrong key was accepted")
    try:
        libre_translator(server, QUOTA_KEY).translate(T_EN * 2)
    except ServerException as err:
        # The client names the status by its reason, e.g. ERR_TOO_MANY_REQUESTS for a 429.
        expect("TOO_MANY_REQUESTS" in str(err), f"over the quota: {err}")
    else:
        raise CheckFailed("a text over the key's daily quota was translated")
    return "right key, AuthorizationException (403), ServerException (429)"


# DeepL documents -----------------------------------------------------------------------------------


def deepl_document(server, langs, key="any-key"):
    """translate_document_from_filepath of a text and an HTML file, compared with /v1/translate."""
    dl = deepl_client(server, key)
    bearer = key if key != "any-key" else None
    with tempfile.TemporaryDirectory(prefix="tolk-deepl-doc-") as folder:
        # Billed: the text's characters, markup left out (the HTML's text is T_EN's first sentence).
        html_text = "Everyone has the right to education."
        for name, content, fmt, billed in (
            ("notes.txt", T_EN + "\n", "text", len(T_EN) + 1),
            ("page.html", T_HTML, "html", len(html_text)),
        ):
            source = os.path.join(folder, name)
            target = os.path.join(folder, "out-" + name)
            with open(source, "w", encoding="utf-8") as file:
                file.write(content)
            status = dl.translate_document_from_filepath(source, target, source_lang="EN", target_lang="DE")
            expect(status.done, f"{name}: the status is {status.status}")
            expect(
                status.billed_characters == billed,
                f"{name}: billed_characters {status.billed_characters}, its text has {billed}",
            )
            with open(target, encoding="utf-8") as file:
                got = file.read()
            want = v1_translate(server, content.rstrip("\n"), "en", "de", fmt=fmt, key=bearer)[0]["text"]
            if fmt == "text":
                want += "\n"
            same_text(got, want, f"{name} translated")
    return "notes.txt, page.html, billed characters"


def deepl_document_steps(server, langs):
    """Upload, status, download by hand; the second download finds nothing."""
    dl = deepl_client(server)
    handle = dl.translate_document_upload(T_ES.encode(), target_lang="EN-GB", filename="carta.txt")
    expect(len(handle.document_id) == 32, f"document_id {handle.document_id!r}")
    expect(len(handle.document_key) == 64, "document_key is not 64 characters")
    status = dl.translate_document_wait_until_done(handle)
    expect(status.ok and status.done, f"status {status.status}")
    with tempfile.TemporaryFile() as output:
        dl.translate_document_download(handle, output)
        output.seek(0)
        got = output.read().decode("utf-8")
    same_text(got, v1_translate(server, T_ES, "es", "en")[0]["text"], "the downloaded document")
    try:
        with tempfile.TemporaryFile() as output:
            dl.translate_document_download(handle, output)
    except deepl.DeepLException as err:
        expect(err.http_status_code == 404, f"a second download gave {err.http_status_code}, not 404")
    else:
        raise CheckFailed("a document was downloaded twice")
    try:
        dl.translate_document_upload(b"\x89PNG", target_lang="DE", filename="picture.png")
    except deepl.DeepLException as err:
        expect(err.http_status_code == 400, f"an unsupported file gave {err.http_status_code}, not 400")
    else:
        raise CheckFailed("a PNG was accepted as a document")
    return "upload, wait, download once (404 after), PNG refused (400)"


def deepl_document_keys(server, langs):
    detail = deepl_document(server, langs, GOOD_KEY)
    try:
        deepl_client(server, "not-a-key").translate_document_upload(b"Hello.", target_lang="DE", filename="a.txt")
    except deepl.AuthorizationException as err:
        expect(err.http_status_code == 403, f"status {err.http_status_code}")
    else:
        raise CheckFailed("a wrong key uploaded a document")
    return detail + "; a wrong key: AuthorizationException"


# Node clients --------------------------------------------------------------------------------------


def node_clients(server, mode):
    """Runs tests/clients/node/clients.test.mjs against `server`; `mode` is `plain` or `keyed`."""
    if not os.path.isdir(os.path.join(NODE_DIR, "node_modules", "deepl-node")):
        raise CheckFailed("tests/clients/node/node_modules is missing: run scripts/api-check, which installs it")
    env = dict(os.environ, TOLK_URL=server.url, TOLK_MODE=mode, TOLK_GOOD_KEY=GOOD_KEY, TOLK_QUOTA_KEY=QUOTA_KEY)
    run = subprocess.run(
        ["node", "--test", "--test-concurrency=1", "--test-reporter=spec", "clients.test.mjs"],
        cwd=NODE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    lines = [line for line in run.stdout.splitlines() if line.strip()]
    for line in lines:
        print("      " + line, flush=True)
    if run.returncode != 0:
        raise CheckFailed(f"node --test exited {run.returncode}: {short(run.stderr, 600)}")
    passed = [line for line in lines if line.strip().startswith("ℹ pass")]
    return passed[0].strip("ℹ ").strip() if passed else "passed"


def node_plain(server, langs):
    return node_clients(server, "plain")


def node_keyed(server, langs):
    return node_clients(server, "keyed")


PLAIN_CHECKS = (
    ("deep-translator LibreTranslator translate (query string, no body)", dt_translate),
    ("deep-translator translate_batch, translate_file", dt_batch_and_file),
    ("deepl translate_document_from_filepath (.txt, .html)", deepl_document),
    ("deepl document upload, status, one download, errors", deepl_document_steps),
    ("node: deepl-node, libretranslate-ts, libretranslate", node_plain),
)

KEYED_CHECKS = (
    ("keys: deep-translator with right, wrong and over-quota keys", dt_keys),
    ("keys: deepl documents with the right and a wrong key", deepl_document_keys),
    ("keys: node clients with keys", node_keyed),
)

__all__ = ["PLAIN_CHECKS", "KEYED_CHECKS", "T_ES"]
