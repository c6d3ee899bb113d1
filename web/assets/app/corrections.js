// The corrections panel of Tolk's page (an ES module, loaded beside app.js): after each
// translation it says which sentences came from the community's translation memory, offers the
// memory's close matches, and lets the reader suggest a better translation, which goes into the
// memory (POST /v1/corrections) and is used for that text from then on — or waits for a reviewer
// when the server reviews corrections. app.js tells it about translations with two events on
// `document`: `tolk:translated` (detail: the text, its languages and the API's answer) and
// `tolk:reset` (the output changed). Server text is put in with textContent only.

const $ = (id) => document.getElementById(id);

const panel = $('suggest-panel');
const button = $('suggest-btn');
const form = $('suggest-form');
const field = $('suggest-text');
const status = $('suggest-status');
const note = $('memory-note');

let current = null; // { text, source, target, translation }

function clear(node) { node.replaceChildren(); node.hidden = true; }

function reset() {
  current = null;
  panel.hidden = true;
  form.hidden = true;
  button.hidden = false;
  button.setAttribute('aria-expanded', 'false');
  status.textContent = '';
  clear(note);
}

/** What the memory gave: sentences it answered, and close matches offered beside the model's. */
function showMemory(result) {
  const sentences = result.sentences || [];
  const fromMemory = sentences.filter((s) => s.origin === 'memory').length;
  const offered = sentences.filter((s) => (s.suggestions || []).length);
  if (!fromMemory && !offered.length) return;
  if (fromMemory) {
    const p = document.createElement('p');
    p.textContent = `${fromMemory} sentence${fromMemory === 1 ? '' : 's'} from your translation memory.`;
    note.append(p);
  }
  for (const s of offered) {
    const best = s.suggestions[0];
    const p = document.createElement('p');
    p.className = 'memory-match';
    const head = document.createElement('strong');
    head.textContent = `Close match in the memory (${best.similarity}%): `;
    const q = document.createElement('q');
    q.textContent = best.source;
    const arrow = document.createTextNode(' → ');
    const t = document.createElement('q');
    t.textContent = best.translation;
    t.setAttribute('dir', 'auto');
    p.append(head, q, arrow, t);
    note.append(p);
  }
  note.hidden = false;
}

document.addEventListener('tolk:reset', reset);

document.addEventListener('tolk:translated', (e) => {
  reset();
  const { text, source, target, result } = e.detail;
  if (!result || !result.text || !source || source === 'auto') return;
  current = { text, source, target, translation: result.text };
  panel.hidden = false;
  showMemory(result);
});

button.addEventListener('click', () => {
  if (!current) return;
  form.hidden = false;
  button.hidden = true;
  button.setAttribute('aria-expanded', 'true');
  field.value = current.translation;
  status.textContent = '';
  field.focus();
});

$('suggest-cancel').addEventListener('click', () => {
  form.hidden = true;
  button.hidden = false;
  button.setAttribute('aria-expanded', 'false');
  button.focus();
});

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  if (!current) return;
  const correction = field.value;
  if (!correction.trim()) { status.textContent = 'Write your translation first.'; field.focus(); return; }
  if (correction === current.translation) { status.textContent = 'Change the translation first: it is the same as the machine’s.'; return; }
  const send = $('suggest-send');
  send.disabled = true;
  status.textContent = 'Sending…';
  try {
    const res = await fetch('/v1/corrections', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        text: current.text, source: current.source, target: current.target,
        translation: current.translation, correction,
      }),
    });
    const body = await res.json().catch(() => null);
    if (!res.ok) {
      const message = body && body.error && body.error.message;
      status.textContent = `Not saved: ${message || `the server answered ${res.status}`}.`;
      return;
    }
    form.hidden = true;
    button.hidden = false;
    status.textContent = body.state === 'pending'
      ? 'Thank you. Your translation waits for a reviewer; once approved, it is used for this text.'
      : `Thank you. Saved to the translation memory (${body.memory}): this text is translated your way from now on.`;
    current.translation = correction;
  } catch {
    status.textContent = 'Not saved: the server could not be reached. Try again.';
  } finally {
    send.disabled = false;
  }
});
