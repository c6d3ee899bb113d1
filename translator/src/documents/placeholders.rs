//! Placeholders in strings of software (`{name}`, `{{count}}`, `%s`, `%1$d`, `%(name)s`, ICU
//! `{n, plural, …}`) kept out of the model's sight: the string becomes an HTML fragment in which
//! each placeholder is a kept `<code>` span, and comes back with the placeholders restored.

use crate::entities::{decode_entities, escape_into};

/// A string as a fragment to translate and the placeholders it holds.
pub(super) struct Protected {
    /// The HTML fragment.
    pub fragment: String,
    /// Each placeholder as written, by `data-k` index.
    pub kept: Vec<String>,
}

/// Turns `text` into a fragment; `None` when there is nothing to translate (no letters outside
/// placeholders).
pub(super) fn protect(text: &str) -> Option<Protected> {
    let mut fragment = String::with_capacity(text.len() + 16);
    let mut kept = Vec::new();
    let mut letters = false;
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        let len = placeholder_len(rest);
        if len > 0 {
            kept.push(rest[..len].to_string());
            let n = kept.len() - 1;
            fragment.push_str(&format!("<code data-k=\"{n}\">{n}</code>"));
            i += len;
            continue;
        }
        let c = rest.chars().next().expect("not at the end");
        letters |= c.is_alphabetic();
        let mut buffer = [0; 4];
        escape_into(&mut fragment, c.encode_utf8(&mut buffer));
        i += c.len_utf8();
    }
    letters.then_some(Protected { fragment, kept })
}

/// The translated fragment as a plain string with the placeholders back. Markup the model's
/// translation carried (none is expected) is dropped.
pub(super) fn restore(fragment: &str, kept: &[String]) -> String {
    let mut out = String::with_capacity(fragment.len());
    let mut rest = fragment;
    while let Some(p) = rest.find('<') {
        out.push_str(&decode_entities(&rest[..p]));
        rest = &rest[p..];
        let Some(end) = rest.find('>') else { break };
        let tag = &rest[..=end];
        rest = &rest[end + 1..];
        if let Some(n) = data_k(tag) {
            if let Some(close) = rest.find("</code>") {
                rest = &rest[close + "</code>".len()..];
            }
            if let Some(placeholder) = kept.get(n) {
                out.push_str(placeholder);
            }
        }
    }
    out.push_str(&decode_entities(rest));
    out
}

/// [`restore`] for a translation of `source` (the unit as protected), with the white space
/// `source` had at either end put back: the translator trims it, and UI strings such as
/// `"Total: "` or gettext's leading and trailing `\n` (which `msgfmt --check` compares) need it.
pub(super) fn restore_like(source: &str, translation: &str, kept: &[String]) -> String {
    let core = source.trim_start();
    let lead = &source[..source.len() - core.len()];
    let trail = &core[core.trim_end().len()..];
    format!("{lead}{}{trail}", restore(translation.trim(), kept))
}

fn data_k(tag: &str) -> Option<usize> {
    let start = tag.find("data-k=\"")? + "data-k=\"".len();
    let end = tag[start..].find('"')? + start;
    tag[start..end].parse().ok()
}

/// Length of the placeholder at the start of `text`, 0 if none.
fn placeholder_len(text: &str) -> usize {
    let bytes = text.as_bytes();
    match bytes.first() {
        Some(b'{') => {
            // Balanced braces: `{name}`, `{{count}}`, `{n, plural, one {…} other {…}}`.
            let mut depth = 0;
            for (j, c) in text.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            return j + 1;
                        }
                    }
                    _ => {}
                }
            }
            0
        }
        Some(b'%') => {
            // printf: %s %d %1$s %-5.2f %(name)s %%; also %{name} (Ruby, i18next).
            if bytes.get(1) == Some(&b'%') {
                return 2;
            }
            if bytes.get(1) == Some(&b'(') {
                return text[2..].find(')').map_or(0, |close| {
                    let after = 2 + close + 1;
                    after + usize::from(bytes.get(after).is_some_and(u8::is_ascii_alphabetic))
                });
            }
            if bytes.get(1) == Some(&b'{') {
                return text.find('}').map_or(0, |close| close + 1);
            }
            let mut j = 1;
            while j < bytes.len() && (bytes[j].is_ascii_digit() || b"$-+ #.'lhqLzjt".contains(&bytes[j])) {
                j += 1;
            }
            match bytes.get(j) {
                Some(c) if b"sdifuxXoeEgGcpaAn@".contains(c) => j + 1,
                _ => 0,
            }
        }
        Some(b'$') if bytes.get(1) == Some(&b'{') => text.find('}').map_or(0, |close| close + 1),
        Some(b'<') => {
            // Markup inside strings (`<b>`, `<br/>`, `<0>…</0>` of react-i18next) is kept.
            let end = text.find('>').unwrap_or(0);
            let inner = &text[1..end.max(1)];
            if end > 1 && !inner.contains(char::is_whitespace) || inner.starts_with(|c: char| c.is_ascii_alphabetic()) {
                end + 1
            } else {
                0
            }
        }
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_kept_and_restored() {
        let text = "Hello {name}, you have {{count}} new %s (%1$d%%) — %(user)s & ${x} <b>now</b>";
        let protected = protect(text).unwrap();
        assert_eq!(
            protected.kept,
            [
                "{name}",
                "{{count}}",
                "%s",
                "%1$d",
                "%%",
                "%(user)s",
                "${x}",
                "<b>",
                "</b>"
            ]
        );
        assert!(!protected.fragment.contains("name}"));
        assert_eq!(restore(&protected.fragment, &protected.kept), text);
        assert!(protect("{count} %s").is_none(), "nothing to translate");
        assert_eq!(
            protect("{n, plural, one {# file} other {# files}} left").unwrap().kept,
            ["{n, plural, one {# file} other {# files}}"]
        );
    }

    #[test]
    fn odd_input_never_panics() {
        for text in ["{", "}", "%", "%(", "%{", "${", "<", "<>", "< b", "{{}", "é{", "%é"] {
            if let Some(p) = protect(text) {
                let _ = restore(&p.fragment, &p.kept);
            }
        }
    }
}
