// Tolk's translation page: plain JavaScript, no framework, no dependencies.
// Everything the server sends is put into the page with textContent and createElement, never as
// HTML, so a translation or a language name cannot inject markup or script.
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  const el = (tag, props, ...children) => {
    const node = document.createElement(tag);
    if (props) {
      for (const [k, v] of Object.entries(props)) {
        if (v == null || v === false) continue;
        if (k === 'className') node.className = v;
        else if (k === 'text') node.textContent = v;
        else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
        else node.setAttribute(k, v === true ? '' : String(v));
      }
    }
    for (const c of children) if (c != null) node.append(c);
    return node;
  };

  const AUTO = {
    code: 'auto', name: 'Detect automatically', autonym: '', short_code: 'auto',
    iso639_1: null, iso639_3: null, script: '', direction: 'auto', low_resource: false,
  };
  const STREAM_FROM = 200; // characters: longer texts, or several lines, stream sentence by sentence
  const DEBOUNCE_MS = 600;
  const RECENT_MAX = 5;
  const URL_TEXT_MAX = 2000;

  const state = {
    langs: [],
    byCode: new Map(),
    settings: { max_chars: 20000, file_formats: ['.txt', '.md', '.html', '.htm'] },
    source: 'auto',
    target: null,
    detected: null, // code of the language last detected for an automatic source
    seq: 0,
    controller: null,
    timer: 0,
    glossary: null, // id of the stored glossary chosen in the glossary panel (glossary.js)
  };

  const src = $('source-text');
  const out = $('output');

  // ---------- small helpers ----------
  const store = {
    get(key, fallback) {
      try { const v = localStorage.getItem('tolk.' + key); return v == null ? fallback : JSON.parse(v); } catch { return fallback; }
    },
    set(key, value) {
      try { localStorage.setItem('tolk.' + key, JSON.stringify(value)); } catch { /* private mode */ }
    },
  };
  const fold = (s) => String(s || '').normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()
    .replace(/[\u2018\u2019`ʼ]/g, "'");
  const charCount = (s) => { let n = 0; for (const _ of s) n++; return n; };
  const fmt = (n) => n.toLocaleString('en');
  const pct = (c) => Math.round(c * 100) + '%';
  const bcp47 = (l) => (l && l.code !== 'auto' ? `${l.iso639_1 || l.iso639_3 || l.code.slice(0, 3)}-${l.script}` : '');

  function findLang(s) {
    if (!s) return null;
    if (s === 'auto') return AUTO;
    if (state.byCode.has(s)) return state.byCode.get(s);
    const f = fold(s).replace('-', '_');
    for (const l of state.langs) {
      if (fold(l.code) === f || fold(l.short_code).replace('-', '_') === f) return l;
    }
    for (const l of state.langs) {
      if (l.iso639_1 === f || l.iso639_3 === f || fold(l.name) === f) return l;
    }
    return null;
  }
  const langName = (code, fallback) => (state.byCode.get(code) || {}).name || fallback || code;

  // ---------- messages ----------
  function showError(message, retry) {
    const box = $('error');
    box.replaceChildren(el('span', { text: message }));
    if (retry) box.append(' ', el('button', { type: 'button', text: 'Try again', onclick: retry }));
    box.hidden = false;
  }
  function hideError() { const box = $('error'); box.hidden = true; box.replaceChildren(); }
  function announce(message) { $('status').textContent = message; }

  function apiError(status, body, retryAfter) {
    const err = body && body.error;
    const e = new Error(typeof err === 'string' ? err : (err && err.message) || (body && body.message) || '');
    e.status = status;
    e.code = err && typeof err === 'object' ? err.code : '';
    e.retryAfter = retryAfter;
    return e;
  }
  async function responseError(res) {
    let body = null;
    try { body = await res.json(); } catch { /* not JSON */ }
    return apiError(res.status, body, res.headers.get('Retry-After'));
  }

  /** A sentence a person can act on, or null when the request was cancelled on purpose. */
  function explain(e) {
    if (e && e.name === 'AbortError') return null;
    if (!e || !e.status) return 'Cannot reach the Tolk server. Check that it is running and that you are connected, then try again.';
    const wait = e.retryAfter ? ` Try again in ${e.retryAfter} second${e.retryAfter === '1' ? '' : 's'}.` : ' Try again in a moment.';
    switch (e.status) {
      case 503:
        if (e.code === 'not_ready') return 'The translation model is still loading.' + wait;
        if (e.code === 'timeout') return 'The translation took too long and was given up. Try a shorter text.';
        if (e.code === 'shutting_down') return 'The server is shutting down.' + wait;
        return 'The server is busy translating for others.' + wait;
      case 413:
        return `The text is too long: this server translates at most ${fmt(state.settings.max_chars)} characters at a time.` +
          (e.message ? ` (${e.message})` : '');
      case 429: return 'Too many requests for now (' + (e.message || 'rate limit') + ').' + wait;
      case 401: case 403: return 'This server needs an API key, which this page does not send. ' + (e.message || '');
      default: return e.message ? `The server refused: ${e.message}` : `The server answered with status ${e.status}.`;
    }
  }

  async function postJSON(path, body, signal) {
    const res = await fetch(path, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), signal,
    });
    if (!res.ok) throw await responseError(res);
    return res.json();
  }

  // ---------- language pickers (ARIA 1.2 combobox with a listbox popup) ----------
  function recent(side) { return store.get('recent.' + side, []).filter((c) => c === 'auto' || state.byCode.has(c)); }
  function remember(side, code) {
    store.set('recent.' + side, [code, ...recent(side).filter((c) => c !== code)].slice(0, RECENT_MAX));
  }

  /** Rank of a language for a folded query: lower is better, -1 when it does not match. */
  function rank(l, q) {
    // Aliases are both codes (zh-TW) and names (te reo Māori), so they count as either.
    const aliases = (l.aliases || []).map(fold);
    const codes = [l.code, l.short_code, l.iso639_1, l.iso639_3].filter(Boolean).map(fold).concat(aliases);
    const names = [l.name, l.autonym].filter(Boolean).map(fold).concat(aliases);
    if (codes.includes(q) || codes.includes(q.replace('-', '_'))) return 0;
    if (names.some((n) => n.startsWith(q))) return 1;
    if (names.some((n) => n.split(/[\s(),'-]+/).some((w) => w.startsWith(q)))) return 2;
    if (codes.some((c) => c.startsWith(q))) return 3;
    if (names.some((n) => n.includes(q))) return 4;
    return -1;
  }

  class Picker {
    constructor(side) {
      this.side = side;
      this.input = $(side + '-lang');
      this.list = $(side + '-list');
      this.items = [];
      this.active = -1;
      this.input.addEventListener('input', () => this.open(this.input.value));
      this.input.addEventListener('click', () => { if (!this.isOpen()) this.open(''); });
      this.input.addEventListener('focus', () => this.input.select());
      this.input.addEventListener('keydown', (e) => this.key(e));
      this.input.addEventListener('blur', () => setTimeout(() => {
        if (document.activeElement !== this.input) this.close(true);
      }, 120));
      this.list.addEventListener('mousedown', (e) => e.preventDefault()); // keep focus in the input
      this.list.addEventListener('click', (e) => {
        const li = e.target.closest('[role=option]');
        if (li) this.choose(this.items[Number(li.dataset.index)]);
      });
    }
    isOpen() { return !this.list.hidden; }
    languages() { return this.side === 'source' ? [AUTO, ...state.langs] : state.langs; }
    open(query) {
      const q = fold(query).trim();
      const recents = recent(this.side);
      let items;
      if (!q) {
        const rec = recents.map((c) => (c === 'auto' ? AUTO : state.byCode.get(c))).filter(Boolean);
        const rest = this.languages().filter((l) => !recents.includes(l.code));
        items = [...rec, ...rest];
        this.recentCount = rec.length;
      } else {
        const scored = [];
        for (const l of this.languages()) {
          let r = l === AUTO ? (['auto', 'detect', 'automatic'].some((w) => w.startsWith(q)) ? 0 : -1) : rank(l, q);
          if (r >= 0) {
            const ri = recents.indexOf(l.code);
            scored.push([r, ri < 0 ? RECENT_MAX : ri, l]);
          }
        }
        scored.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2].name.localeCompare(b[2].name));
        items = scored.map((s) => s[2]);
        this.recentCount = 0;
        // No exact match here: the server's resolver, the one every API field uses, may still
        // know it (fr-CA, zh_Hant_HK, Castilian); its answer goes first.
        if (!scored.length || scored[0][0] > 0) this.resolveSoon(query);
      }
      this.items = items;
      this.render(recents);
      const selected = items.findIndex((l) => l.code === state[this.side]);
      this.setActive(q ? (items.length ? 0 : -1) : selected);
    }
    resolveSoon(query) {
      clearTimeout(this.resolveTimer);
      this.resolveTimer = setTimeout(async () => {
        try {
          const res = await fetch('/v1/languages/resolve?name=' + encodeURIComponent(query.trim()));
          if (!res.ok || this.input.value !== query || !this.isOpen()) return;
          const found = state.byCode.get(((await res.json()).language || {}).code);
          if (!found) return;
          this.items = [found, ...this.items.filter((l) => l !== found)];
          this.render(recent(this.side));
          this.setActive(0);
        } catch { /* offline or unknown: the local matches stand */ }
      }, 150);
    }
    render(recents) {
      const frag = document.createDocumentFragment();
      this.items.forEach((l, i) => {
        const li = el('li', {
          role: 'option', id: `${this.side}-opt-${l.code}`, 'data-index': i,
          'aria-selected': String(l.code === state[this.side]),
          className: i === this.recentCount - 1 && this.recentCount < this.items.length ? 'last-recent' : null,
        },
        el('span', { className: 'opt-name', text: l.name }),
        l.autonym && l.autonym !== l.name ? el('span', {
          className: 'opt-native', lang: bcp47(l), dir: l.direction === 'rtl' ? 'rtl' : null, 'data-script': l.script, text: l.autonym,
        }) : null,
        l.low_resource ? el('span', { className: 'badge', title: 'Low-resource language: less training data, check translations carefully', text: 'low-resource' }) : null,
        recents.includes(l.code) ? el('span', { className: 'badge recent', text: 'recent' }) : null,
        l.code !== 'auto' ? el('span', { className: 'opt-code', text: l.code }) : null);
        frag.append(li);
      });
      if (!this.items.length) frag.append(el('li', { role: 'option', 'aria-disabled': 'true', 'aria-selected': 'false', className: 'empty', id: `${this.side}-opt-none`, text: 'No language matches' }));
      this.list.replaceChildren(frag);
      this.list.hidden = false;
      this.input.setAttribute('aria-expanded', 'true');
      announce(this.items.length ? `${this.items.length} language${this.items.length === 1 ? '' : 's'}` : 'No language matches');
    }
    setActive(i) {
      const prev = this.list.querySelector('.active');
      if (prev) prev.classList.remove('active');
      this.active = i;
      if (i < 0 || !this.items[i]) { this.input.removeAttribute('aria-activedescendant'); return; }
      const li = this.list.children[i];
      li.classList.add('active');
      this.input.setAttribute('aria-activedescendant', li.id);
      li.scrollIntoView({ block: 'nearest' });
    }
    close(restore) {
      this.list.hidden = true;
      this.input.setAttribute('aria-expanded', 'false');
      this.input.removeAttribute('aria-activedescendant');
      if (restore) this.show();
    }
    show() {
      const l = state[this.side] === 'auto' ? AUTO : state.byCode.get(state[this.side]);
      this.input.value = l ? l.name : '';
    }
    choose(l) {
      if (!l) return;
      this.close(false);
      setLanguage(this.side, l.code, true);
    }
    key(e) {
      const n = this.items.length;
      switch (e.key) {
        case 'ArrowDown':
          e.preventDefault();
          if (!this.isOpen()) { this.open(''); return; }
          if (n) this.setActive((this.active + 1) % n);
          break;
        case 'ArrowUp':
          e.preventDefault();
          if (!this.isOpen()) { this.open(''); return; }
          if (n) this.setActive(this.active <= 0 ? n - 1 : this.active - 1);
          break;
        case 'PageDown': case 'PageUp':
          if (this.isOpen() && n) {
            e.preventDefault();
            this.setActive(Math.max(0, Math.min(n - 1, this.active + (e.key === 'PageDown' ? 10 : -10))));
          }
          break;
        case 'Enter':
          if (this.isOpen()) {
            e.preventDefault();
            if (this.active >= 0) this.choose(this.items[this.active]);
          }
          break;
        case 'Escape':
          if (this.isOpen()) { e.preventDefault(); this.close(true); this.input.select(); }
          break;
        case 'Tab':
          if (this.isOpen()) this.close(true);
          break;
        default:
      }
    }
  }

  let pickers = {};

  function applyDirection(node, l) {
    if (!l || l.code === 'auto') {
      node.setAttribute('dir', 'auto');
      node.removeAttribute('lang');
      node.removeAttribute('data-script');
      return;
    }
    node.setAttribute('dir', l.direction === 'rtl' ? 'rtl' : 'ltr');
    node.setAttribute('lang', bcp47(l));
    node.setAttribute('data-script', l.script);
  }

  function setLanguage(side, code, byUser) {
    const changed = state[side] !== code;
    state[side] = code;
    if (side === 'source' && code !== 'auto') state.detected = null;
    pickers[side].show();
    const l = code === 'auto' ? AUTO : state.byCode.get(code);
    applyDirection(side === 'source' ? src : out, l);
    if (side === 'target') applyDirection($('alternatives-list'), l);
    if (byUser) {
      remember(side, code);
      store.set('last.' + side, code);
      announce(`${side === 'source' ? 'From' : 'To'}: ${l ? l.name : code}`);
    }
    updateSwap();
    updateUrl();
    // The glossary panel (glossary.js) offers the glossaries of the pair.
    document.dispatchEvent(new CustomEvent('tolk:pair', {
      detail: { source: state.source, target: state.target, sourceName: langName(state.source, 'the source language'), targetName: langName(state.target, 'the target language') },
    }));
    if (changed && byUser) translateSoon(0);
  }

  function updateSwap() {
    $('swap').disabled = state.source === 'auto' && !state.detected;
  }

  // ---------- URL state ----------
  function updateUrl() {
    const p = new URLSearchParams();
    if (state.source) p.set('sl', state.source);
    if (state.target) p.set('tl', state.target);
    if (src.value && src.value.length <= URL_TEXT_MAX) p.set('text', src.value);
    const url = `${location.pathname}?${p}`;
    if (url !== location.pathname + location.search) history.replaceState(null, '', url);
  }

  // ---------- translation ----------
  function updateCount() {
    const n = charCount(src.value);
    const max = state.settings.max_chars;
    const c = $('char-count');
    c.textContent = `${fmt(n)} / ${fmt(max)} characters`;
    c.classList.toggle('over', n > max);
  }

  function setBusy(busy) {
    $('spinner').hidden = !busy;
    out.setAttribute('aria-busy', String(busy));
  }

  function setOutput(text) {
    out.textContent = text;
    document.dispatchEvent(new CustomEvent('tolk:reset'));
    const note = $('quality-note');
    note.hidden = true;
    note.replaceChildren();
    $('copy').disabled = !text;
    $('alternatives-btn').disabled = !text;
  }

  function showDetected(det) {
    const info = $('output-info');
    if (state.source === 'auto' && det && det.code) {
      state.detected = state.byCode.has(det.code) ? det.code : null;
      info.textContent = `Detected: ${langName(det.code, det.name)}` + (det.confidence != null ? ` (${pct(det.confidence)})` : '');
    } else {
      if (state.source === 'auto') state.detected = null;
      info.textContent = '';
    }
    updateSwap();
  }

  /** The request body with the chosen glossary, which needs a given source language. */
  function withGlossary(body) {
    if (state.glossary && body.source !== 'auto') body.glossary = state.glossary;
    return body;
  }

  function translateSoon(delay) {
    clearTimeout(state.timer);
    state.timer = setTimeout(translate, delay);
  }

  async function translate() {
    clearTimeout(state.timer);
    if (state.controller) state.controller.abort();
    state.controller = null;
    const seq = ++state.seq;
    const text = src.value;
    $('alternatives').hidden = true;
    if (!text.trim()) { hideError(); setOutput(''); showDetected(null); setBusy(false); return; }
    if (!state.target) { showError('Choose the language to translate into.'); return; }
    if (charCount(text) > state.settings.max_chars) {
      setBusy(false);
      showError(`The text is too long: this server translates at most ${fmt(state.settings.max_chars)} characters at a time. Shorten it or translate it as a document below.`);
      return;
    }
    const controller = new AbortController();
    state.controller = controller;
    const body = withGlossary({ text, source: state.source, target: state.target });
    setBusy(true);
    try {
      if (state.source === 'auto') {
        // Detect first: a guess from a short or ambiguous text is not translated; the user picks.
        const d = (await postJSON('/v1/detect', { text }, controller.signal)).detections[0];
        if (seq !== state.seq) return;
        if (d.language && !(d.reliable && state.byCode.has(d.language.code))) {
          hideError();
          setOutput('');
          showDetected(null);
          askSource($('detect-result'), d, () => translateSoon(0));
          announce('Which language is the text in? Choose it to translate.');
          return;
        }
        if (d.language) body.source = d.language.code;
        $('detect-result').textContent = '';
        const t = await translateWith(body, text, controller.signal, seq);
        if (seq !== state.seq) return;
        t.detected = d.language;
        finish(t);
        return;
      }
      finish(await translateWith(body, text, controller.signal, seq));
    } catch (e) {
      if (seq !== state.seq) return;
      const msg = explain(e);
      if (msg) showError(msg, () => translate());
    } finally {
      if (seq === state.seq) { setBusy(false); state.controller = null; }
    }

    function finish(t) {
      if (seq !== state.seq) return;
      hideError();
      setOutput(t.text);
      markQuality(t);
      showDetected(t.detected);
      // The corrections panel (corrections.js) offers to correct what was translated.
      document.dispatchEvent(new CustomEvent('tolk:translated', {
        detail: { text, source: (t.source && t.source.code) || body.source, target: body.target, glossary: body.glossary || null, result: t },
      }));
      announce('Translation ready');
    }
  }

  const FLAG_TEXT = {
    off_target: 'seems to be in another language',
    wrong_script: 'is not in the target script',
    copied: 'looks untranslated',
    repetition: 'repeats itself',
    length: 'is much shorter or longer than the source',
    numbers: 'has numbers, links or addresses that differ from the source',
    added_toxicity: 'has an offensive word the source does not have',
  };

  /** Marks the sentences the server flagged as uncertain or poor, with the reasons on hover and,
   * for everyone, in a list under the output (screen readers read it; copying skips it). */
  function markQuality(t) {
    const doubtful = (t.sentences || []).filter((s) => s.quality && s.quality.level !== 'good' && s.text);
    if (!doubtful.length) return;
    const reason = (s) => {
      const why = s.quality.flags.map((f) => FLAG_TEXT[f] || f);
      const level = s.quality.level === 'poor' ? 'Probably wrong' : 'Check this';
      const retried = s.quality.retry ? ' (even after a second try)' : '';
      return `${level}: ${why.length ? 'the translation ' + why.join(', ') : 'the model was unsure'}${retried}`;
    };
    const frag = document.createDocumentFragment();
    let cursor = 0;
    for (const s of t.sentences) {
      const at = t.text.indexOf(s.text, cursor);
      if (at < 0 || !s.text) continue;
      frag.append(t.text.slice(cursor, at));
      const piece = t.text.slice(at, at + s.text.length);
      frag.append(doubtful.includes(s) ? el('mark', { className: `q-${s.quality.level}`, title: reason(s), text: piece }) : piece);
      cursor = at + s.text.length;
    }
    frag.append(t.text.slice(cursor));
    out.replaceChildren(frag);
    const note = $('quality-note');
    const list = el('ul');
    for (const s of doubtful) list.append(el('li', { text: `“${s.text}” — ${reason(s)}.` }));
    note.replaceChildren(el('span', { text: doubtful.length === 1 ? '1 sentence may be wrong:' : `${doubtful.length} sentences may be wrong:` }), list);
    note.hidden = false;
  }

  async function translateWith(body, text, signal, seq) {
    return text.length >= STREAM_FROM || text.includes('\n')
      ? translateStream(body, signal, seq)
      : (await postJSON('/v1/translate', body, signal)).translations[0];
  }

  /** "Detected: Somali — 41% confidence", as both the detect button and automatic mode say it. */
  const detectedLine = (best) => el('span', { className: 'detected', text: `Detected: ${langName(best.code, best.name)} — ${pct(best.confidence)} confidence` });

  /** Offers the detection's candidates as one-click choices of the source language. */
  function askSource(box, d, chosen) {
    box.replaceChildren(detectedLine(d.language),
      el('span', { text: ' (not sure: the text is short, or close to other languages). Which language is it?' }));
    const choices = el('div', { className: 'choices', role: 'group', 'aria-label': 'Choose the source language' });
    for (const c of (d.candidates || []).slice(0, 4)) {
      if (!state.byCode.has(c.code)) continue;
      choices.append(el('button', {
        type: 'button', text: `${langName(c.code, c.name)} (${pct(c.confidence)})`,
        onclick: () => { setLanguage('source', c.code, true); box.textContent = `Source language set to ${langName(c.code)}.`; src.focus(); if (chosen) chosen(); },
      }));
    }
    choices.append(el('button', { type: 'button', text: 'Another language…', onclick: () => { box.textContent = ''; pickers.source.input.focus(); pickers.source.open(''); } }));
    box.append(choices);
  }

  /** Streams a translation as Server-Sent Events read from a POST (EventSource can only GET). */
  async function translateStream(body, signal, seq) {
    const res = await fetch('/v1/translate/stream', {
      method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream' }, body: JSON.stringify(body), signal,
    });
    if (!res.ok) throw await responseError(res);
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buf = '';
    let text = '';
    let sentences = 0;
    let first = true;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += value.replace(/\r\n?/g, '\n');
      let cut;
      while ((cut = buf.indexOf('\n\n')) >= 0) {
        const raw = buf.slice(0, cut);
        buf = buf.slice(cut + 2);
        let event = 'message';
        const data = [];
        for (const line of raw.split('\n')) {
          if (line.startsWith('event:')) event = line.slice(6).trim();
          else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
        }
        if (!data.length) continue;
        const msg = JSON.parse(data.join('\n'));
        if (seq !== state.seq) return { text: '' };
        if (event === 'sentence' || event === 'text_end') {
          if (first) { hideError(); first = false; }
          text += msg.piece || '';
          if (event === 'sentence') sentences++;
          out.textContent = text;
          if (event === 'sentence') $('output-info').textContent = `${sentences} sentence${sentences === 1 ? '' : 's'} translated…`;
        } else if (event === 'done') {
          reader.cancel().catch(() => {});
          return msg.translations[0];
        } else if (event === 'error') {
          throw apiError(503, msg, null);
        }
      }
    }
    throw new Error('The translation stopped before the end.');
  }

  async function showAlternatives() {
    const text = src.value;
    if (!text.trim() || !state.target) return;
    const box = $('alternatives');
    const list = $('alternatives-list');
    const btn = $('alternatives-btn');
    btn.disabled = true;
    setBusy(true);
    try {
      const res = await postJSON('/v1/translate', withGlossary({ text, source: state.source, target: state.target, options: { alternatives: 3 } }));
      const alts = (res.translations[0].alternatives || []).filter((a) => a !== out.textContent);
      list.replaceChildren(...(alts.length ? alts : ['No other translation was found.']).map((a) => el('li', { text: a })));
      box.hidden = false;
      announce(`${alts.length} alternatives`);
    } catch (e) {
      const msg = explain(e);
      if (msg) showError(msg, showAlternatives);
    } finally {
      btn.disabled = false;
      setBusy(false);
    }
  }

  async function copyOutput() {
    const text = out.textContent;
    if (!text) return;
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      const range = document.createRange();
      range.selectNodeContents(out);
      const sel = getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      document.execCommand('copy');
    }
    const btn = $('copy');
    btn.textContent = 'Copied';
    announce('Translation copied to the clipboard');
    setTimeout(() => { btn.textContent = 'Copy'; }, 1500);
  }

  // ---------- detection ----------
  async function detect() {
    const box = $('detect-result');
    const text = src.value;
    if (!text.trim()) { box.textContent = 'Type some text first, then detect its language.'; return; }
    box.textContent = 'Detecting…';
    try {
      const res = await postJSON('/v1/detect', { text });
      const d = res.detections[0];
      const best = d.language;
      if (!best) { box.textContent = 'The language could not be detected. Choose it in the “From” list.'; return; }
      if (d.reliable && state.byCode.has(best.code)) {
        setLanguage('source', best.code, true);
        box.replaceChildren(detectedLine(best), el('span', { text: '. Set as the source language.' }));
      } else {
        askSource(box, d);
      }
    } catch (e) {
      const msg = explain(e);
      box.textContent = msg ? 'Detection failed: ' + msg : '';
    }
  }

  function swap() {
    const newTarget = state.source === 'auto' ? state.detected : state.source;
    if (!newTarget) { announce('Choose or detect the source language first.'); return; }
    const newSource = state.target;
    const translated = out.textContent;
    setLanguage('source', newSource, true);
    setLanguage('target', newTarget, true);
    if (translated) { src.value = translated; updateCount(); updateUrl(); }
    $('detect-result').textContent = '';
    translateSoon(0);
  }

  // ---------- documents ----------
  function uploadFile(file) {
    const msg = $('doc-message');
    const link = $('doc-link');
    const bar = $('doc-progress');
    link.hidden = true;
    const ext = (file.name.match(/\.[^.]+$/) || [''])[0].toLowerCase();
    const formats = state.settings.file_formats || [];
    if (!formats.includes(ext)) { msg.textContent = `“${file.name}” is not a supported file: choose ${formats.join(', ')}.`; return; }
    if (!state.target) { msg.textContent = 'Choose the language to translate into first.'; return; }
    if (file.size > state.settings.max_body_bytes) { msg.textContent = `“${file.name}” is too large: the server takes files up to ${fmt(Math.floor(state.settings.max_body_bytes / 1048576))} MB.`; return; }
    const form = new FormData();
    form.append('file', file);
    form.append('source', state.source);
    form.append('target', state.target);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/translate_file');
    bar.hidden = false;
    bar.value = 0;
    msg.textContent = `Uploading “${file.name}”…`;
    xhr.upload.addEventListener('progress', (e) => {
      if (e.lengthComputable) { bar.value = Math.round((e.loaded / e.total) * 100); }
    });
    xhr.upload.addEventListener('load', () => {
      bar.removeAttribute('value'); // indeterminate while the server translates
      msg.textContent = `Uploaded; translating “${file.name}”…`;
    });
    xhr.addEventListener('load', () => {
      bar.hidden = true;
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch { /* not JSON */ }
      if (xhr.status === 200 && body && body.translatedFileUrl) {
        const url = new URL(body.translatedFileUrl, location.href);
        const name = decodeURIComponent(url.pathname.split('/').pop() || 'translation');
        link.href = url.pathname + url.search; // same origin, whatever host the server believes it has
        link.setAttribute('download', name);
        link.textContent = `Download ${name}`;
        link.hidden = false;
        msg.textContent = `“${file.name}” is translated.`;
      } else {
        msg.textContent = explain(apiError(xhr.status, body, xhr.getResponseHeader('Retry-After'))) || 'The upload failed.';
      }
    });
    xhr.addEventListener('error', () => { bar.hidden = true; msg.textContent = explain(null); });
    xhr.send(form);
  }

  function setupDocuments() {
    const input = $('file');
    const drop = $('drop');
    const formats = state.settings.file_formats || [];
    if (formats.length) { input.accept = formats.join(','); $('doc-ext').textContent = formats.join(', '); }
    input.addEventListener('change', () => { if (input.files[0]) uploadFile(input.files[0]); input.value = ''; });
    ['dragenter', 'dragover'].forEach((t) => drop.addEventListener(t, (e) => { e.preventDefault(); drop.classList.add('over'); }));
    ['dragleave', 'drop'].forEach((t) => drop.addEventListener(t, () => drop.classList.remove('over')));
    drop.addEventListener('drop', (e) => {
      e.preventDefault();
      const f = e.dataTransfer && e.dataTransfer.files[0];
      if (f) uploadFile(f);
    });
  }

  // ---------- start ----------
  function defaultTarget() {
    const nav = (navigator.language || 'en').split('-')[0];
    const byNav = nav !== 'en' ? findLang(nav) : null;
    return (byNav && byNav.code) || 'spa_Latn';
  }

  async function load() {
    pickers = { source: new Picker('source'), target: new Picker('target') };
    pickers.source.input.placeholder = pickers.target.input.placeholder = 'Loading languages…';
    let settings;
    let langs;
    try {
      [settings, langs] = await Promise.all([
        fetch('/v1/settings').then((r) => (r.ok ? r.json() : null)).catch(() => null),
        fetch('/v1/languages').then(async (r) => { if (!r.ok) throw await responseError(r); return r.json(); }),
      ]);
    } catch (e) {
      showError(explain(e) || 'The languages could not be loaded.', () => location.reload());
      pickers.source.input.placeholder = pickers.target.input.placeholder = 'Languages unavailable';
      return;
    }
    if (settings) Object.assign(state.settings, settings);
    state.langs = (langs.languages || []).filter((l) => l.in_model !== false)
      .sort((a, b) => a.name.localeCompare(b.name, 'en'));
    for (const l of state.langs) state.byCode.set(l.code, l);
    pickers.source.input.placeholder = pickers.target.input.placeholder = 'Search languages';

    const params = new URLSearchParams(location.search);
    const sl = findLang(params.get('sl')) || findLang(store.get('last.source', 'auto')) || AUTO;
    const tl = findLang(params.get('tl')) || findLang(store.get('last.target', null));
    setLanguage('source', sl.code, false);
    setLanguage('target', tl && tl.code !== 'auto' ? tl.code : defaultTarget(), false);
    if (params.has('text')) src.value = params.get('text');
    updateCount();
    setupDocuments();
    document.body.dataset.ready = 'true';
    if (src.value.trim()) translate();
  }

  src.addEventListener('input', () => { updateCount(); updateUrl(); translateSoon(DEBOUNCE_MS); });
  src.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); translate(); }
  });
  document.addEventListener('keydown', (e) => {
    if (e.altKey && !e.ctrlKey && (e.key === 's' || e.key === 'S')) { e.preventDefault(); swap(); }
  });
  $('swap').addEventListener('click', swap);
  $('detect').addEventListener('click', detect);
  $('copy').addEventListener('click', copyOutput);
  $('alternatives-btn').addEventListener('click', showAlternatives);
  document.addEventListener('tolk:glossary', (e) => { state.glossary = e.detail.id || null; translateSoon(0); });
  $('clear').addEventListener('click', () => {
    src.value = '';
    $('detect-result').textContent = '';
    updateCount();
    updateUrl();
    translate();
    src.focus();
  });
  updateCount();
  load();
})();
