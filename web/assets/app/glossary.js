// The glossary panel of Tolk's page (an ES module, loaded beside app.js): choose one of the key's
// stored glossaries for the chosen pair of languages, or upload a .tsv or .csv file as a new one
// (POST /v1/glossaries), and see after each translation which of its terms were applied.
// It talks to app.js with events on `document`:
// - `tolk:pair` (from app.js; detail: source, target and their names) when a language changes;
// - `tolk:glossary` (to app.js; detail: {id}, or null for none) when the glossary in use changes:
//   app.js sends it as `glossary` on /v1/translate and the stream, and translates again;
// - `tolk:translated` (detail: the text, languages, the glossary sent and the API's answer, whose
//   `glossary_terms` lists the entries applied) and `tolk:reset` (the output changed).
// A glossary applies only to a given source language (the server refuses a detected one), and a
// stored glossary only to the pairs it has a dictionary for, so only those are offered.
// Server text is put in with textContent only.

const $ = (id) => document.getElementById(id);

const select = $('glossary-select');
const upload = $('glossary-upload');
const fileInput = $('glossary-file');
const note = $('glossary-note');
const status = $('glossary-status');
const terms = $('glossary-terms');

let glossaries = null; // the key's glossaries as GET /v1/glossaries lists them; null until loaded
let loadError = '';
let pair = { source: 'auto', target: null, sourceName: '', targetName: '' };
let wanted = null; // the glossary the reader chose; kept while the pair has none of its terms
let applied = null; // the id app.js sends: `wanted` when it fits the pair
let uploading = false;

const plural = (n, one, many) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
const pairName = () => `${pair.sourceName} → ${pair.targetName}`;
const hasPair = (g) => (g.dictionaries || []).some((d) => d.source === pair.source && d.target === pair.target);
const entryCount = (g) => (g.dictionaries || []).find((d) => d.source === pair.source && d.target === pair.target)?.entry_count ?? 0;
const usable = () => pair.source !== 'auto' && !!pair.target;

/** What went wrong, from an error answer (`{"error": {"code", "message"}}`), to end a sentence. */
async function problem(res) {
  let body = null;
  try { body = await res.json(); } catch { /* not JSON */ }
  const err = body && body.error;
  const message = (typeof err === 'string' ? err : err && err.message) || (body && body.message) || '';
  if (res.status === 401 || res.status === 403) return 'this server needs an API key, which this page does not send';
  if (res.status === 429) return `too many requests for now${message ? ` (${message})` : ''}; try again in a moment`;
  return message || `the server answered with status ${res.status}`;
}

function say(message, isError) {
  status.textContent = message;
  status.classList.toggle('error', !!isError);
}

/** Fills the list with None and the glossaries that fit the pair; the others are listed, disabled. */
function render() {
  const fits = [];
  const others = [];
  if (usable()) for (const g of glossaries || []) (hasPair(g) ? fits : others).push(g);
  const none = document.createElement('option');
  none.value = '';
  none.textContent = 'None';
  const options = [none];
  for (const g of fits) {
    const o = document.createElement('option');
    o.value = g.id;
    o.textContent = `${g.name} (${plural(entryCount(g), 'term', 'terms')})`;
    options.push(o);
  }
  if (others.length) {
    const group = document.createElement('optgroup');
    group.label = `No ${pairName()} terms`;
    for (const g of others) {
      const o = document.createElement('option');
      o.value = g.id;
      o.disabled = true;
      o.textContent = g.name;
      group.append(o);
    }
    options.push(group);
  }
  select.replaceChildren(...options);
  select.disabled = !usable();
  select.value = fits.some((g) => g.id === wanted) ? wanted : '';

  if (!usable()) {
    note.textContent = pair.source === 'auto'
      ? 'To use a glossary, choose the source language under “From” (it is not detected).'
      : 'To use a glossary, choose the language to translate into.';
  } else if (loadError) {
    note.textContent = `Glossaries could not be loaded: ${loadError}.`;
  } else if (!glossaries) {
    note.textContent = 'Loading glossaries…';
  } else if (!fits.length) {
    note.textContent = glossaries.length
      ? `No glossary has ${pairName()} terms; upload one.`
      : `No glossary yet: upload a .tsv or .csv file of ${pairName()} terms.`;
  } else {
    note.textContent = '';
  }
  setApplied(select.value || null);
}

/** Tells app.js the glossary to send, when it changes (app.js then translates again). */
function setApplied(id) {
  if (id === applied) return;
  applied = id;
  document.dispatchEvent(new CustomEvent('tolk:glossary', { detail: { id } }));
}

async function load() {
  try {
    const res = await fetch('/v1/glossaries');
    if (!res.ok) { loadError = await problem(res); glossaries = []; } else {
      loadError = '';
      glossaries = (await res.json()).glossaries || [];
    }
  } catch {
    loadError = 'the server could not be reached';
    glossaries = [];
  }
  render();
}

function hideTerms() { terms.hidden = true; terms.replaceChildren(); }

/** After a translation with a glossary: the terms it applied, or that none occurred. */
function showTerms(result, id) {
  hideTerms();
  if (!id || !result) return;
  const used = result.glossary_terms || [];
  const g = (glossaries || []).find((x) => x.id === id);
  if (!used.length) {
    terms.textContent = g ? `No term of the glossary “${g.name}” occurred in this text.` : 'No glossary term occurred in this text.';
  } else {
    const head = document.createElement('span');
    head.textContent = 'Glossary terms used: ';
    const list = document.createElement('ul');
    for (const t of used) {
      const li = document.createElement('li');
      const from = document.createElement('span');
      from.textContent = t.source;
      from.dir = 'auto';
      const to = document.createElement('span');
      to.textContent = t.target;
      to.dir = 'auto';
      li.append(from, ' → ', to);
      list.append(li);
    }
    terms.append(head, list);
  }
  terms.hidden = false;
}

async function send(file) {
  const ext = (file.name.match(/\.[^.]+$/) || [''])[0].toLowerCase();
  if (ext !== '.tsv' && ext !== '.csv') {
    say(`“${file.name}” is not a glossary file: choose a .tsv or .csv file.`, true);
    return;
  }
  if (!usable()) { say('Choose the source language under “From” first: a glossary is made for a pair of languages.', true); return; }
  const name = file.name.slice(0, -ext.length).trim() || 'Glossary';
  const { source, target } = pair;
  const names = pairName();
  const form = new FormData();
  form.append('name', name);
  form.append('source', source);
  form.append('target', target);
  form.append('file', file);
  // Not disabled (that would drop the keyboard focus), but marked busy.
  uploading = true;
  upload.setAttribute('aria-disabled', 'true');
  say(`Uploading “${file.name}”…`);
  try {
    const res = await fetch('/v1/glossaries', { method: 'POST', body: form });
    if (!res.ok) { say(`“${file.name}” was not saved: ${await problem(res)}.`, true); return; }
    const made = await res.json();
    glossaries = [...(glossaries || []).filter((g) => g.id !== made.id), made];
    loadError = '';
    const count = ((made.dictionaries || []).find((d) => d.source === source && d.target === target) || {}).entry_count || 0;
    wanted = made.id;
    render();
    say(`Saved “${made.name}”, ${plural(count, 'term', 'terms')} for ${names}${applied === made.id ? '; it is used now' : ''}.`);
  } catch {
    say(`“${file.name}” was not saved: the server could not be reached. Try again.`, true);
  } finally {
    uploading = false;
    upload.removeAttribute('aria-disabled');
  }
}

document.addEventListener('tolk:pair', (e) => {
  // What the panel said about the last upload was about the pair before.
  if (!uploading && (e.detail.source !== pair.source || e.detail.target !== pair.target)) say('');
  pair = e.detail;
  render();
});
document.addEventListener('tolk:reset', hideTerms);
document.addEventListener('tolk:translated', (e) => showTerms(e.detail.result, e.detail.glossary));

// A list that could not be loaded is asked for again when the reader comes to it.
select.addEventListener('focus', () => { if (loadError) load(); });
select.addEventListener('change', () => {
  wanted = select.value || null;
  say('');
  setApplied(wanted);
});
upload.addEventListener('click', () => {
  if (uploading) return;
  if (!usable()) {
    say(pair.source === 'auto'
      ? 'Choose the source language under “From” first: a glossary is made for a pair of languages.'
      : 'Choose the language to translate into first.', true);
    return;
  }
  fileInput.click();
});
fileInput.addEventListener('change', () => {
  const file = fileInput.files[0];
  fileInput.value = '';
  if (file) send(file);
});

// The languages may have been set before this module ran (app.js starts first): they are in the
// URL and the pickers by then.
if (document.body.dataset.ready === 'true') {
  const p = new URLSearchParams(location.search);
  pair = { source: p.get('sl') || 'auto', target: p.get('tl'), sourceName: $('source-lang').value, targetName: $('target-lang').value };
  render();
}
load();
