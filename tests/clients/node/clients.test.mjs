// The npm clients of DeepL (deepl-node) and LibreTranslate (libretranslate-ts, libretranslate)
// against a running Tolk, with `node --test`. tests/clients/round_two.py runs this file twice:
// TOLK_MODE=plain against a server without keys, TOLK_MODE=keyed against one with the keys file
// of test_clients.py (TOLK_GOOD_KEY unlimited, TOLK_QUOTA_KEY with 30 characters a day). Every
// text is compared with what Tolk's own /v1/translate answers for it (the test model's
// translations are nonsense, but deterministic).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as deepl from "deepl-node";
import { libreTranslate } from "libretranslate-ts";
import libretranslate from "libretranslate";

const url = process.env.TOLK_URL;
const mode = process.env.TOLK_MODE;
const goodKey = process.env.TOLK_GOOD_KEY;
const quotaKey = process.env.TOLK_QUOTA_KEY;
const plain = { skip: mode !== "plain" && "runs against the server without keys" };
const keyed = { skip: mode !== "keyed" && "runs against the server with keys" };

const EN = "Everyone has the right to education. Education shall be free, at least in the elementary stages.";
const ES = "Toda persona tiene derecho a la educación. La educación debe ser gratuita.";
const FR = "Toute personne a droit à l'éducation. L'éducation doit être gratuite.";

/** Tolk's own translations of `text` (a string or a list), beam 4 as the other APIs use. */
async function tolk(text, source, target, key, format = "text") {
  const headers = { "Content-Type": "application/json" };
  if (key) headers.Authorization = `Bearer ${key}`;
  const body = { text, source, target, format, options: { beam_size: 4 } };
  const reply = await fetch(`${url}/v1/translate`, { method: "POST", headers, body: JSON.stringify(body) });
  assert.equal(reply.status, 200, `/v1/translate answered ${reply.status}`);
  return (await reply.json()).translations.map((t) => t.text);
}

function translator(key = "any-key") {
  // No retries: a refusal should reach the test at once, not after back-off.
  return new deepl.Translator(key, { serverUrl: url, maxRetries: 0 });
}

async function scratch(run) {
  const folder = await mkdtemp(join(tmpdir(), "tolk-node-"));
  try {
    return await run(folder);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

test("deepl-node translateText: one text, a list, detection, billed characters", plain, async () => {
  const dl = translator();
  const one = await dl.translateText(EN, null, "de");
  assert.equal(one.text, (await tolk(EN, "auto", "de"))[0]);
  assert.equal(one.detectedSourceLang, "en");
  assert.equal(one.billedCharacters, EN.length);
  const many = await dl.translateText([ES, FR], null, "en-GB");
  assert.deepEqual(
    many.map((r) => r.text),
    await tolk([ES, FR], "auto", "eng_Latn"),
  );
  assert.deepEqual(
    many.map((r) => r.detectedSourceLang),
    ["es", "fr"],
  );
  const given = await dl.translateText(ES, "es", "pt-BR");
  assert.equal(given.text, (await tolk(ES, "es", "pt"))[0]);
});

test("deepl-node options: model_type, formality, tag handling", plain, async () => {
  const dl = translator();
  const latency = await dl.translateText(EN, "en", "de", { modelType: "latency_optimized" });
  assert.equal(latency.modelTypeUsed, "latency_optimized");
  const quality = await dl.translateText(EN, "en", "de", { modelType: "quality_optimized", formality: "prefer_more" });
  assert.equal(quality.modelTypeUsed, "quality_optimized");
  assert.equal(quality.text, (await tolk(EN, "en", "de"))[0]);
  await assert.rejects(dl.translateText(EN, "en", "de", { formality: "more" }), (err) => {
    assert.ok(err instanceof deepl.DeepLError);
    assert.match(err.message, /Target language.*formality/);
    return true;
  });
  const html = "<p>Everyone has the right to <b>education</b>.</p>";
  const tagged = await dl.translateText(html, "en", "fr", { tagHandling: "html" });
  assert.equal(tagged.text, (await tolk(html, "en", "fr", undefined, "html"))[0]);
});

test("deepl-node languages and usage", plain, async () => {
  const dl = translator();
  const sources = await dl.getSourceLanguages();
  assert.equal(sources.length, 202);
  const targets = (await dl.getTargetLanguages()).map((l) => l.code);
  for (const code of ["en-GB", "en-US", "pt-BR", "pt-PT", "qu", "ast", "lg"]) {
    assert.ok(targets.includes(code), `${code} is a target`);
  }
  const usage = await dl.getUsage();
  assert.ok(usage.character.limit > 0);
  assert.equal(usage.anyLimitReached(), false);
});

test("deepl-node refuses what DeepL refuses", plain, async () => {
  const dl = translator();
  await assert.rejects(dl.translateText(EN, null, "xx-YY"), (err) => {
    assert.ok(err instanceof deepl.DeepLError && !(err instanceof deepl.AuthorizationError));
    assert.match(err.message, /Value for 'target_lang' not supported/);
    return true;
  });
});

test("deepl-node translateDocument, and a document downloaded only once", plain, async () => {
  await scratch(async (folder) => {
    const dl = translator();
    const input = join(folder, "letter.txt");
    await writeFile(input, `${EN}\n`);
    const output = join(folder, "letter.de.txt");
    const status = await dl.translateDocument(input, output, "en", "de");
    assert.ok(status.done());
    assert.equal(status.billedCharacters, EN.length + 1);
    assert.equal(await readFile(output, "utf8"), `${(await tolk(EN, "en", "de"))[0]}\n`);

    const handle = await dl.uploadDocument(Buffer.from(ES), null, "en-US", { filename: "carta.txt" });
    const { status: finished } = await dl.isDocumentTranslationComplete(handle);
    assert.ok(finished.done());
    await dl.downloadDocument(handle, join(folder, "carta.en.txt"));
    assert.equal(await readFile(join(folder, "carta.en.txt"), "utf8"), (await tolk(ES, "auto", "en"))[0]);
    await assert.rejects(dl.downloadDocument(handle, join(folder, "again.txt")), deepl.DeepLError);
    await assert.rejects(
      dl.uploadDocument(Buffer.from("not a picture"), null, "de", { filename: "picture.png" }),
      deepl.DeepLError,
    );
  });
});

test("deepl-node glossaries, v2 and v3 (multilingual), and XML tag handling", plain, async () => {
  const dl = new deepl.DeepLClient("any-key", { serverUrl: url, maxRetries: 0 });
  const pairs = await dl.getGlossaryLanguagePairs();
  assert.ok(pairs.some((p) => p.sourceLang === "en" && p.targetLang === "lg"));
  const entries = new deepl.GlossaryEntries({ entries: { nurse: "omusawo", "health centre": "eddwaliro" } });
  const v2 = await dl.createGlossary("Clinic", "en", "lg", entries);
  assert.equal(v2.entryCount, 2);
  assert.equal((await dl.getGlossary(v2.glossaryId)).name, "Clinic");
  assert.ok((await dl.listGlossaries()).some((g) => g.glossaryId === v2.glossaryId));
  assert.deepEqual((await dl.getGlossaryEntries(v2)).entries(), { nurse: "omusawo", "health centre": "eddwaliro" });
  const csv = await dl.createGlossaryWithCsv("Clinic CSV", "en", "lg", Buffer.from("nurse,omusawo\n"));
  assert.equal(csv.entryCount, 1);
  const used = await dl.translateText("Ask the nurse at the health centre.", "en", "lg", { glossary: v2 });
  assert.ok(used.text.includes("omusawo") && used.text.includes("eddwaliro"), used.text);
  await dl.deleteGlossary(v2);
  await dl.deleteGlossary(csv);
  await assert.rejects(dl.getGlossary(v2.glossaryId), deepl.GlossaryNotFoundError);

  // v3: sent as forms with dictionaries[0].source_lang keys.
  const made = await dl.createMultilingualGlossary("Clinic", [
    { sourceLangCode: "en", targetLangCode: "lg", entries },
    { sourceLangCode: "en", targetLangCode: "fr", entries: new deepl.GlossaryEntries({ entries: { nurse: "ZZinfirm" } }) },
  ]);
  assert.deepEqual(
    made.dictionaries.map((d) => [d.sourceLangCode, d.targetLangCode, d.entryCount]).sort(),
    [["en", "fr", 1], ["en", "lg", 2]],
  );
  assert.equal((await dl.getMultilingualGlossary(made.glossaryId)).name, "Clinic");
  assert.ok((await dl.listMultilingualGlossaries()).some((g) => g.glossaryId === made.glossaryId));
  const lg = await dl.getMultilingualGlossaryDictionaryEntries(made, "en", "lg");
  assert.deepEqual(lg.entries.entries(), { nurse: "omusawo", "health centre": "eddwaliro" });
  await dl.updateMultilingualGlossaryDictionary(made, {
    sourceLangCode: "en", targetLangCode: "lg", entries: new deepl.GlossaryEntries({ entries: { nurse: "musawo" } }),
  });
  const merged = await dl.getMultilingualGlossaryDictionaryEntries(made, "en", "lg");
  assert.deepEqual(merged.entries.entries(), { nurse: "musawo", "health centre": "eddwaliro" });
  await dl.replaceMultilingualGlossaryDictionaryWithCsv(made, "en", "fr", "clinic,ZZclinique\n");
  assert.equal((await dl.updateMultilingualGlossaryName(made, "Clinic terms")).name, "Clinic terms");
  const fr = await dl.translateText("Go to the clinic.", "en", "fr", { glossary: made });
  assert.ok(fr.text.includes("ZZclinique"), fr.text);
  await dl.deleteMultilingualGlossaryDictionary(made, "en", "fr");
  assert.equal((await dl.getMultilingualGlossary(made.glossaryId)).dictionaries.length, 1);
  await dl.deleteMultilingualGlossary(made);
  await assert.rejects(dl.getMultilingualGlossary(made.glossaryId), deepl.GlossaryNotFoundError);

  const xml = '<doc><par>Hello <keep id="7">Do not touch</keep> my friend.</par><par>See you.</par></doc>';
  const tagged = await dl.translateText(xml, "en", "fr", {
    tagHandling: "xml", ignoreTags: ["keep"], splittingTags: ["par"], outlineDetection: false,
  });
  assert.ok(tagged.text.includes('<keep id="7">Do not touch</keep>'), tagged.text);
  assert.ok(tagged.text.startsWith("<doc><par>") && tagged.text.endsWith("</par></doc>"), tagged.text);
});

test("libretranslate-ts translate, detect, languages, errors", plain, async () => {
  libreTranslate.setApiEndpoint(url);
  const translated = await libreTranslate.translate(EN, "en", "es");
  assert.equal(translated.status, 200, translated.error);
  assert.equal(translated.translatedText, (await tolk(EN, "en", "es"))[0]);
  const alternatives = await libreTranslate.translate(EN, "en", "es", 2);
  assert.equal(alternatives.alternatives.length, 2);
  const detected = await libreTranslate.detect(FR);
  assert.equal(detected.language, "fr");
  assert.ok(detected.confidence > 0 && detected.confidence <= 100);
  const languages = await libreTranslate.listLanguages();
  const codes = languages.map((l) => l.code);
  for (const code of ["zh-Hans", "zh-Hant", "pt", "pt-BR", "qu", "ast"]) {
    assert.ok(codes.includes(code), `${code} is listed`);
  }
  const refused = await libreTranslate.translate(EN, "en", "zz");
  assert.equal(refused.error, "zz is not supported");
});

test("libretranslate (npm) checks codes against /languages: zh-Hans and pt-BR pass", plain, async () => {
  for (const [code, nllb] of [["zh-Hans", "zho_Hans"], ["zh-Hant", "zho_Hant"], ["pt-BR", "por_Latn"], ["lg", "lug_Latn"]]) {
    const text = await libretranslate.translate({ query: EN, source: "en", target: code, apiurl: url });
    assert.equal(text, (await tolk(EN, "en", nllb))[0], code);
  }
  await assert.rejects(
    libretranslate.translate({ query: EN, source: "en", target: "klingon", apiurl: url }),
    /This language was not found/,
  );
});

test("deepl-node with keys: right key, wrong key, quota", keyed, async () => {
  const text = await translator(goodKey).translateText(EN, "en", "de");
  assert.equal(text.text, (await tolk(EN, "en", "de", goodKey))[0]);
  await assert.rejects(translator("not-a-key").translateText(EN, "en", "de"), deepl.AuthorizationError);
  await assert.rejects(translator("not-a-key").getUsage(), deepl.AuthorizationError);
  // Longer than the key's whole day: refused whatever was used before.
  await assert.rejects(translator(quotaKey).translateText(EN, "en", "de"), deepl.QuotaExceededError);
  await scratch(async (folder) => {
    const input = join(folder, "a.txt");
    await writeFile(input, EN);
    await assert.rejects(translator(quotaKey).translateDocument(input, join(folder, "b.txt"), "en", "de"), deepl.DeepLError);
    const status = await translator(goodKey).translateDocument(input, join(folder, "c.txt"), "en", "de");
    assert.ok(status.done());
  });
});

test("libretranslate-ts with keys: right key, wrong key", keyed, async () => {
  libreTranslate.setApiEndpoint(url);
  libreTranslate.setApiKey(goodKey);
  const right = await libreTranslate.translate(EN, "en", "es");
  assert.equal(right.translatedText, (await tolk(EN, "en", "es", goodKey))[0]);
  libreTranslate.setApiKey("not-a-key");
  const wrong = await libreTranslate.translate(EN, "en", "es");
  // The client reports every HTTP failure as 500 with the server's `error`.
  assert.equal(wrong.status, 500);
  assert.equal(wrong.error, "the API key is not valid");
});

test("libretranslate (npm) sends its key as apiKey, which LibreTranslate does not read", keyed, async () => {
  // A client bug, not Tolk's: LibreTranslate reads `api_key`, so this client cannot use a key
  // with LibreTranslate either. The translation is refused (401) and the client returns undefined.
  const text = await libretranslate.translate({ query: EN, source: "en", target: "es", apiurl: url, apiKey: goodKey });
  assert.equal(text, undefined);
});
