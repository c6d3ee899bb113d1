//! A glossary's entries as people write them: TSV (`source<TAB>target` per line, DeepL's
//! `entries_format=tsv`) or CSV (`source,target[,source_lang,target_lang]`, RFC 4180 quoting,
//! DeepL's `entries_format=csv`), checked as a whole so that nothing is half stored: each
//! refusal names the line.

use langs::LangCode;

/// How entries are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntriesFormat {
    /// `source<TAB>target` per line.
    Tsv,
    /// `source,target[,source_lang,target_lang]` per record.
    Csv,
}

impl EntriesFormat {
    /// Reads `tsv` or `csv`.
    pub fn parse(name: &str) -> Option<EntriesFormat> {
        match name.trim().to_ascii_lowercase().as_str() {
            "tsv" => Some(EntriesFormat::Tsv),
            "csv" => Some(EntriesFormat::Csv),
            _ => None,
        }
    }
}

/// How large a glossary may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GlossaryLimits {
    /// Entries in one glossary, all dictionaries together.
    pub max_entries: usize,
    /// Characters of one term.
    pub max_term_chars: usize,
}

impl Default for GlossaryLimits {
    /// A large community glossary's size, and a long multi-word term's.
    fn default() -> Self {
        GlossaryLimits {
            max_entries: 100_000,
            max_term_chars: 256,
        }
    }
}

/// Reads `text` as entries of `format` for a pair, checked against `limits`; a refusal names the
/// line.
pub fn parse(
    text: &str,
    format: EntriesFormat,
    (source, target): (LangCode, LangCode),
    limits: &GlossaryLimits,
) -> Result<Vec<(String, String)>, String> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut rows: Vec<(usize, Vec<String>)> = Vec::new();
    match format {
        EntriesFormat::Tsv => {
            for (number, line) in text.lines().enumerate() {
                if !line.trim().is_empty() {
                    rows.push((number + 1, line.split('\t').map(str::to_string).collect()));
                }
            }
        }
        EntriesFormat::Csv => {
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(text.as_bytes());
            for record in reader.records() {
                let record = record.map_err(|e| format!("not CSV: {e}"))?;
                let line = record.position().map_or(0, |p| p.line() as usize);
                if record.iter().all(|f| f.trim().is_empty()) {
                    continue;
                }
                rows.push((line, record.iter().map(str::to_string).collect()));
            }
        }
    }
    let mut entries: Vec<(String, String)> = Vec::with_capacity(rows.len());
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (line, fields) in rows {
        let at = |problem: String| format!("line {line}: {problem}");
        let (term, translation) = match fields.as_slice() {
            [term, translation] => (term, translation),
            [term, translation, from, to] if format == EntriesFormat::Csv => {
                for (field, given, wanted) in [("source", from, source), ("target", to, target)] {
                    if LangCode::parse(given).ok() != Some(wanted) {
                        return Err(at(format!(
                            "the {field} language {given:?} is not the glossary's {wanted}"
                        )));
                    }
                }
                (term, translation)
            }
            _ => {
                return Err(at(format!(
                    "{} fields; an entry is a source term and a target term{}",
                    fields.len(),
                    if format == EntriesFormat::Tsv {
                        ", separated by a tab"
                    } else {
                        ""
                    }
                )))
            }
        };
        let (term, translation) = (term.trim(), translation.trim());
        for (side, value) in [("source", term), ("target", translation)] {
            if value.is_empty() {
                return Err(at(format!("an empty {side} term")));
            }
            let chars = value.chars().count();
            if chars > limits.max_term_chars {
                return Err(at(format!(
                    "a {side} term of {chars} characters; this server allows {}",
                    limits.max_term_chars
                )));
            }
            if value.chars().any(char::is_control) {
                return Err(at(format!("the {side} term holds a control character")));
            }
        }
        if let Some(first) = seen.insert(term.to_lowercase(), line) {
            return Err(at(format!("the source term {term:?} is already on line {first}")));
        }
        entries.push((term.to_string(), translation.to_string()));
    }
    if entries.is_empty() {
        return Err("no entries: a glossary needs at least one".to_string());
    }
    if entries.len() > limits.max_entries {
        return Err(format!(
            "{} entries; a glossary on this server holds at most {}",
            entries.len(),
            limits.max_entries
        ));
    }
    Ok(entries)
}

/// Checks entries given as pairs (JSON) by the same rules as a file, each refusal naming the
/// entry's place as a line.
pub fn parse_pairs(
    pairs: &[(String, String)],
    languages: (LangCode, LangCode),
    limits: &GlossaryLimits,
) -> Result<Vec<(String, String)>, String> {
    if let Some(at) = pairs
        .iter()
        .position(|(s, t)| s.contains(['\t', '\n', '\r']) || t.contains(['\t', '\n', '\r']))
    {
        return Err(format!("line {}: a term holds a tab or a line break", at + 1));
    }
    let text: String = pairs.iter().map(|(s, t)| format!("{s}\t{t}\n")).collect();
    parse(&text, EntriesFormat::Tsv, languages, limits)
}

/// Writes entries as TSV, as DeepL's `GET …/entries` answers.
pub fn to_tsv(entries: &[(String, String)]) -> String {
    entries.iter().map(|(s, t)| format!("{s}\t{t}\n")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: GlossaryLimits = GlossaryLimits {
        max_entries: 3,
        max_term_chars: 20,
    };

    fn pair() -> (LangCode, LangCode) {
        (
            LangCode::parse("eng_Latn").unwrap(),
            LangCode::parse("lug_Latn").unwrap(),
        )
    }

    #[test]
    fn tsv_and_csv_are_read() {
        let tsv = parse(
            "Kampala\tKampala\n\nclinic\t ddwaliro \n",
            EntriesFormat::Tsv,
            pair(),
            &LIMITS,
        )
        .unwrap();
        assert_eq!(
            tsv,
            [
                ("Kampala".into(), "Kampala".into()),
                ("clinic".into(), "ddwaliro".into())
            ]
        );
        let csv = parse(
            "\"health, care\",\"obulamu \"\"bulungi\"\"\"\nclinic,ddwaliro,en,lg\n",
            EntriesFormat::Csv,
            pair(),
            &LIMITS,
        )
        .unwrap();
        assert_eq!(csv[0], ("health, care".to_string(), "obulamu \"bulungi\"".to_string()));
        assert_eq!(csv[1].1, "ddwaliro");
        assert_eq!(to_tsv(&csv[1..]), "clinic\tddwaliro\n");
    }

    #[test]
    fn bad_entries_are_refused_naming_the_line() {
        let refused = |text: &str, format| parse(text, format, pair(), &LIMITS).unwrap_err();
        assert!(refused("a\tb\nc\n", EntriesFormat::Tsv).starts_with("line 2: 1 fields"));
        assert!(
            refused("a\tb\nA\tc\n", EntriesFormat::Tsv).contains("line 2: the source term \"A\" is already on line 1")
        );
        assert!(refused("a\t \n", EntriesFormat::Tsv).contains("line 1: an empty target term"));
        assert!(refused(&format!("{}\tb\n", "x".repeat(21)), EntriesFormat::Tsv).contains("21 characters"));
        assert!(refused("a,b,en,fr\n", EntriesFormat::Csv).contains("line 1: the target language \"fr\""));
        assert!(refused("a\tb\nc\td\ne\tf\ng\th\n", EntriesFormat::Tsv).contains("4 entries"));
        assert!(refused("\n \n", EntriesFormat::Tsv).contains("no entries"));
        assert!(refused("a\u{7}\tb\n", EntriesFormat::Tsv).contains("control character"));
    }
}
