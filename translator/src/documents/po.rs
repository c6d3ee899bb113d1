//! `.po` (gettext): each entry whose `msgstr` is empty gets one — `msgstr[0]` from `msgid`, the
//! other plural forms from `msgid_plural` — with placeholders kept; comments, flags, contexts,
//! entries already translated and obsolete ones stay as they are; the header's `Language` is set
//! to the target.

use langs::LangCode;

use super::error::DocumentError;
use super::placeholders::{protect, restore_like};
use super::unit::{Parsed, Unit, UnitKind};
use super::values::utf8;

pub(super) struct PoFile {
    lines: Vec<String>,
    /// Entries to fill: the lines of their `msgstr`s and the units of `msgid` / `msgid_plural`.
    fills: Vec<Fill>,
    /// The header's `msgstr` lines, to set `Language`.
    header: Option<std::ops::Range<usize>>,
    units: Vec<Unit>,
    kept: Vec<Vec<String>>,
}

struct Fill {
    /// Line ranges of each `msgstr` / `msgstr[n]` (keyword line and continuations), with `n`.
    msgstrs: Vec<(Option<usize>, std::ops::Range<usize>)>,
    singular: Option<usize>,
    plural: Option<usize>,
}

#[derive(Default)]
struct Entry {
    msgid: Option<String>,
    msgid_plural: Option<String>,
    msgstrs: Vec<(Option<usize>, std::ops::Range<usize>, String)>,
}

impl PoFile {
    pub(super) fn parse(bytes: &[u8]) -> Result<PoFile, DocumentError> {
        let text = utf8(bytes, "po")?;
        let invalid = |line: usize, reason: &str| DocumentError::Invalid {
            format: "po",
            reason: format!("line {}: {reason}", line + 1),
        };
        let lines: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
        let mut file = PoFile {
            lines: lines.clone(),
            fills: Vec::new(),
            header: None,
            units: Vec::new(),
            kept: Vec::new(),
        };
        let mut entry = Entry::default();
        // Which string a continuation line extends: 0 msgid, 1 msgid_plural, 2 msgstr, 3 other.
        let mut current = 3;
        let mut entries = 0;
        for (n, line) in lines.iter().enumerate() {
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                // A blank line, or a comment after the msgstrs, ends the entry; obsolete (#~)
                // lines are left to themselves.
                let ends_entry = trimmed.is_empty() || (!trimmed.starts_with("#~") && !entry.msgstrs.is_empty());
                if entry.msgid.is_some() && ends_entry {
                    entries += 1;
                    file.finish(std::mem::take(&mut entry));
                }
                current = 3;
                continue;
            }
            if let Some(rest) = trimmed.strip_prefix('"') {
                let value = unquote(rest).ok_or_else(|| invalid(n, "a string not closed, or text after it"))?;
                match current {
                    0 => entry.msgid.get_or_insert_with(String::new).push_str(&value),
                    1 => entry.msgid_plural.get_or_insert_with(String::new).push_str(&value),
                    2 => {
                        if let Some(last) = entry.msgstrs.last_mut() {
                            last.1.end = n + 1;
                            last.2.push_str(&value);
                        }
                    }
                    _ => {}
                }
                continue;
            }
            let (keyword, rest) = trimmed
                .split_once(char::is_whitespace)
                .ok_or_else(|| invalid(n, "not a PO line"))?;
            let value = rest
                .trim()
                .strip_prefix('"')
                .and_then(unquote)
                .ok_or_else(|| invalid(n, "expected one quoted string"))?;
            match keyword {
                "msgctxt" => {
                    if entry.msgid.is_some() {
                        entries += 1;
                        file.finish(std::mem::take(&mut entry));
                    }
                    current = 3;
                }
                "msgid" => {
                    if entry.msgid.is_some() {
                        entries += 1;
                        file.finish(std::mem::take(&mut entry));
                    }
                    entry.msgid = Some(value);
                    current = 0;
                }
                "msgid_plural" => {
                    entry.msgid_plural = Some(value);
                    current = 1;
                }
                "msgstr" => {
                    entry.msgstrs.push((None, n..n + 1, value));
                    current = 2;
                }
                plural if plural.starts_with("msgstr[") && plural.ends_with(']') => {
                    let index = plural["msgstr[".len()..plural.len() - 1]
                        .parse()
                        .map_err(|_| invalid(n, "bad plural index"))?;
                    entry.msgstrs.push((Some(index), n..n + 1, value));
                    current = 2;
                }
                _ => return Err(invalid(n, &format!("unknown keyword {keyword}"))),
            }
        }
        if entry.msgid.is_some() {
            entries += 1;
            file.finish(entry);
        }
        if entries == 0 {
            return Err(DocumentError::Invalid {
                format: "po",
                reason: "no msgid entries".to_string(),
            });
        }
        Ok(file)
    }

    fn finish(&mut self, entry: Entry) {
        let Some(msgid) = entry.msgid else { return };
        if msgid.is_empty() {
            if let Some((_, range, _)) = entry.msgstrs.first() {
                self.header = Some(range.clone());
            }
            return;
        }
        if entry.msgstrs.is_empty() || entry.msgstrs.iter().any(|(_, _, v)| !v.is_empty()) {
            return; // already translated (or broken): left alone
        }
        let mut unit = |text: &str| {
            protect(text).map(|protected| {
                self.units.push(Unit {
                    text: protected.fragment,
                    kind: UnitKind::Html,
                });
                self.kept.push(protected.kept);
                self.units.len() - 1
            })
        };
        let singular = unit(&msgid);
        let plural = entry.msgid_plural.as_deref().and_then(&mut unit);
        self.fills.push(Fill {
            msgstrs: entry.msgstrs.into_iter().map(|(n, range, _)| (n, range)).collect(),
            singular,
            plural,
        });
    }
}

impl Parsed for PoFile {
    fn units(&self) -> &[Unit] {
        &self.units
    }

    fn render(&self, translations: &[String], target: LangCode) -> Result<Vec<u8>, DocumentError> {
        let mut lines: Vec<Option<String>> = self.lines.iter().cloned().map(Some).collect();
        let text_of =
            |unit: Option<usize>| unit.map(|u| restore_like(&self.units[u].text, &translations[u], &self.kept[u]));
        for fill in &self.fills {
            for (n, range) in &fill.msgstrs {
                let text = match n {
                    None | Some(0) => text_of(fill.singular),
                    Some(_) => text_of(fill.plural).or_else(|| text_of(fill.singular)),
                };
                let Some(text) = text else { continue };
                let keyword = match n {
                    None => "msgstr".to_string(),
                    Some(n) => format!("msgstr[{n}]"),
                };
                let ending = if self.lines[range.start].ends_with("\r\n") {
                    "\r\n"
                } else {
                    "\n"
                };
                lines[range.start] = Some(format!("{keyword} {}{ending}", quote(&text)));
                for line in &mut lines[range.start + 1..range.end] {
                    *line = None;
                }
            }
        }
        if let Some(range) = &self.header {
            let language = format!("Language: {}\\n", gettext_language(target));
            let mut found = false;
            for line in lines[range.clone()].iter_mut().flatten() {
                // Only a header line that is the `Language:` string itself.
                if let Some(start) = line.find("\"Language:").filter(|&s| line[..s].trim().is_empty()) {
                    // The literal is decoded, its first header field replaced, and written again,
                    // so that escaped quotes and further fields in the same literal survive.
                    let end = line.trim_end().len();
                    if let Some(value) = unquote(&line[start + 1..end]) {
                        let rest = value.split_once('\n').map_or("", |(_, rest)| rest);
                        let field = format!("Language: {}\n{rest}", gettext_language(target));
                        line.replace_range(start..end, &quote(&field));
                        found = true;
                    }
                }
            }
            if !found {
                let ending = if self.lines[range.start].ends_with("\r\n") {
                    "\r\n"
                } else {
                    "\n"
                };
                // The header's last line may be the file's last, without a line break.
                let before = if self.lines[range.end - 1].ends_with('\n') {
                    ""
                } else {
                    ending
                };
                lines.insert(range.end, Some(format!("{before}\"{language}\"{ending}")));
            }
        }
        Ok(lines.into_iter().flatten().collect::<String>().into_bytes())
    }
}

/// The language as gettext names it: ISO 639-1 (or 639-3), Chinese by its usual regions.
fn gettext_language(code: LangCode) -> String {
    match code.as_str() {
        "zho_Hans" => "zh_CN".to_string(),
        "zho_Hant" => "zh_TW".to_string(),
        _ => code.info().iso639_1.unwrap_or_else(|| code.iso639_3()).to_string(),
    }
}

/// The content of a PO string literal after its opening quote, C escapes decoded; `None` when
/// it is not closed or something other than white space follows it on the line.
fn unquote(rest: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = rest.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return chars.as_str().trim().is_empty().then_some(out),
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                other => out.push(other),
            },
            c => out.push(c),
        }
    }
    None
}

fn quote(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PO: &str = "# Translation of Tolk\nmsgid \"\"\nmsgstr \"\"\n\"Content-Type: text/plain; charset=UTF-8\\n\"\n\"Plural-Forms: nplurals=2; plural=(n > 1);\\n\"\n\n#: src/main.rs:10\n#, c-format\nmsgid \"Hello %s\"\nmsgstr \"\"\n\nmsgctxt \"menu\"\nmsgid \"Open\"\nmsgstr \"Ouvrir\"\n\nmsgid \"One file\"\nmsgid_plural \"{n} files\"\nmsgstr[0] \"\"\nmsgstr[1] \"\"\n\nmsgid \"\"\n\"A long \"\n\"line\"\nmsgstr \"\"\n\n#~ msgid \"Old\"\n#~ msgstr \"\"\n";

    #[test]
    fn empty_msgstrs_are_filled_and_everything_else_kept() {
        let file = PoFile::parse(PO.as_bytes()).unwrap();
        let texts: Vec<&str> = file.units.iter().map(|u| u.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "Hello <code data-k=\"0\">0</code>",
                "One file",
                "<code data-k=\"0\">0</code> files",
                "A long line"
            ]
        );
        let translations = vec![
            "Bonjour <code data-k=\"0\">0</code>".to_string(),
            "Un fichier".into(),
            "<code data-k=\"0\">0</code> fichiers \"x\"".into(),
            "Une longue ligne".into(),
        ];
        let out = String::from_utf8(
            file.render(&translations, LangCode::parse("fra_Latn").unwrap())
                .unwrap(),
        )
        .unwrap();
        let expected = PO
            .replace(
                "msgid \"Hello %s\"\nmsgstr \"\"",
                "msgid \"Hello %s\"\nmsgstr \"Bonjour %s\"",
            )
            .replace(
                "msgstr[0] \"\"\nmsgstr[1] \"\"",
                "msgstr[0] \"Un fichier\"\nmsgstr[1] \"{n} fichiers \\\"x\\\"\"",
            )
            .replace("\"line\"\nmsgstr \"\"", "\"line\"\nmsgstr \"Une longue ligne\"")
            .replace("(n > 1);\\n\"\n", "(n > 1);\\n\"\n\"Language: fr\\n\"\n");
        assert_eq!(out, expected);
    }

    #[test]
    fn broken_files_are_refused() {
        for bad in [&b"msgid \"unterminated\n"[..], b"hello world\n", b"", b"\xff"] {
            assert!(
                matches!(PoFile::parse(bad), Err(DocumentError::Invalid { .. })),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn text_after_a_closing_quote_is_refused() {
        // Found by the `doc_po` fuzz target: `msgstr ""Language: …` was read as an empty msgstr,
        // then its `Language:` rewritten into a line that no longer read back.
        let po = "msgid \"\"\nmsgstr \"\"Language: x\\n\"\n\nmsgid \"Open\"\nmsgstr \"\"\n";
        let err = PoFile::parse(po.as_bytes()).err().expect("refused");
        assert!(err.to_string().contains("line 2"), "{err}");
    }

    #[test]
    fn a_header_at_the_end_of_the_file_gets_its_language_on_a_line_of_its_own() {
        // Found by the `doc_po` fuzz target: the `Language:` line was appended to a last line
        // with no line break, and the file written could not be read again.
        let po = "msgid \"\"\nmsgstr \"\"\n\"Project-Id-Version: app\\n\"";
        let file = PoFile::parse(po.as_bytes()).unwrap();
        let out = file.render(
            &vec![String::new(); file.units().len()],
            LangCode::parse("fra_Latn").unwrap(),
        );
        let out = String::from_utf8(out.unwrap()).unwrap();
        assert!(
            out.ends_with("\"Project-Id-Version: app\\n\"\n\"Language: fr\\n\"\n"),
            "{out:?}"
        );
        PoFile::parse(out.as_bytes()).unwrap();
    }

    #[test]
    fn the_language_field_is_rewritten_as_a_whole_literal() {
        // Found by the `doc_po` fuzz target: an escaped quote inside the `Language:` literal was
        // taken for its end, and what followed was left outside the new string.
        let po = "msgid \"\"\nmsgstr \"\"\n\"Language: en \\\"x\\\" \\nPlural-Forms: nplurals=2;\\n\"\n\nmsgid \"Open\"\nmsgstr \"\"\n";
        let file = PoFile::parse(po.as_bytes()).unwrap();
        let out = file
            .render(&["Ouvrir".to_string()], LangCode::parse("fra_Latn").unwrap())
            .unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(
            out.contains("\n\"Language: fr\\nPlural-Forms: nplurals=2;\\n\"\n"),
            "{out}"
        );
        PoFile::parse(out.as_bytes()).unwrap();
    }

    #[test]
    fn a_msgstr_starts_and_ends_with_the_line_breaks_of_its_msgid() {
        // `msgfmt --check` refuses a msgstr whose leading or trailing `\n` differs from the msgid's.
        let po = "msgid \"Saved.\\n\"\nmsgstr \"\"\n";
        let file = PoFile::parse(po.as_bytes()).unwrap();
        let out = file
            .render(&["Enregistré.".to_string()], LangCode::parse("fra_Latn").unwrap())
            .unwrap();
        assert!(String::from_utf8(out).unwrap().contains("msgstr \"Enregistré.\\n\""));
    }
}
