//! `.srt` and `.vtt`: numbering, timings, cue settings, the WEBVTT header and NOTE, STYLE and
//! REGION blocks are kept; each cue's text is one unit (its lines joined, as they are one
//! utterance), written back on one line. Cues with `<i>`-style tags are translated as HTML.

use langs::LangCode;

use super::error::DocumentError;
use super::unit::{Parsed, Unit, UnitKind};
use super::values::utf8;
use crate::entities::decode_entities;

pub(super) struct Subtitles {
    /// Kept text and units, in order.
    pieces: Vec<Piece>,
    units: Vec<Unit>,
}

enum Piece {
    Keep(String),
    Unit(usize),
}

impl Subtitles {
    pub(super) fn parse(bytes: &[u8], vtt: bool) -> Result<Subtitles, DocumentError> {
        let format = if vtt { "vtt" } else { "srt" };
        let text = utf8(bytes, format)?;
        let invalid = |reason: &str| DocumentError::Invalid {
            format,
            reason: reason.to_string(),
        };
        if text.contains('\0') {
            return Err(invalid("binary content (NUL bytes)"));
        }
        if vtt && !text.trim_start_matches('\u{feff}').starts_with("WEBVTT") {
            return Err(invalid("does not start with WEBVTT"));
        }
        let mut file = Subtitles {
            pieces: Vec::new(),
            units: Vec::new(),
        };
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        let mut cues = 0;
        let mut i = 0;
        while i < lines.len() {
            // One block: up to the next blank line.
            let start = i;
            while i < lines.len() && !lines[i].trim().is_empty() {
                i += 1;
            }
            let block = &lines[start..i];
            let timing = block.iter().position(|l| l.contains("-->"));
            let kept_block = block.first().is_some_and(|l| {
                let l = l.trim_start();
                l.starts_with("NOTE") || l.starts_with("STYLE") || l.starts_with("REGION") || l.starts_with("WEBVTT")
            });
            match timing {
                Some(t) if !kept_block => {
                    cues += 1;
                    for line in &block[..=t] {
                        file.keep(line);
                    }
                    let text_lines = &block[t + 1..];
                    if !text_lines.is_empty() {
                        let joined = text_lines.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" ");
                        let ending = line_ending(text_lines[text_lines.len() - 1]);
                        let kind = if joined.contains('<') {
                            UnitKind::Html
                        } else {
                            UnitKind::Text
                        };
                        // Letters as written back: `&ne;` has letters, `≠` has none.
                        let has_letters = match kind {
                            UnitKind::Html => decode_entities(&joined).chars().any(char::is_alphabetic),
                            UnitKind::Text => joined.chars().any(char::is_alphabetic),
                        };
                        if has_letters {
                            file.units.push(Unit { text: joined, kind });
                            file.pieces.push(Piece::Unit(file.units.len() - 1));
                            file.keep(ending);
                        } else {
                            for line in text_lines {
                                file.keep(line);
                            }
                        }
                    }
                }
                _ => {
                    for line in block {
                        file.keep(line);
                    }
                }
            }
            // The blank lines between blocks.
            while i < lines.len() && lines[i].trim().is_empty() {
                file.keep(lines[i]);
                i += 1;
            }
        }
        if cues == 0 && !text.trim().is_empty() {
            return Err(invalid("no cue (no line with a --> timing)"));
        }
        Ok(file)
    }

    fn keep(&mut self, text: &str) {
        match self.pieces.last_mut() {
            Some(Piece::Keep(kept)) => kept.push_str(text),
            _ => self.pieces.push(Piece::Keep(text.to_string())),
        }
    }
}

fn line_ending(line: &str) -> &str {
    if line.ends_with("\r\n") {
        "\r\n"
    } else if line.ends_with('\n') {
        "\n"
    } else {
        ""
    }
}

impl Parsed for Subtitles {
    fn units(&self) -> &[Unit] {
        &self.units
    }

    fn render(&self, translations: &[String], _target: LangCode) -> Result<Vec<u8>, DocumentError> {
        let mut out = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Keep(text) => out.push_str(text),
                Piece::Unit(u) => {
                    // Tags come back as written; the entities the HTML mode escapes do not
                    // belong in subtitles.
                    let text = match self.units[*u].kind {
                        UnitKind::Html => decode_entities(&translations[*u]),
                        UnitKind::Text => translations[*u].clone(),
                    };
                    // One line per cue, after decoding (`&#10;` is a line break): a blank line
                    // inside would end the cue.
                    out.push_str(&text.split_whitespace().collect::<Vec<_>>().join(" "));
                }
            }
        }
        Ok(out.into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fra() -> LangCode {
        LangCode::parse("fra_Latn").unwrap()
    }

    #[test]
    fn srt_keeps_numbers_and_timings() {
        let srt = "1\r\n00:00:01,000 --> 00:00:04,000\r\nEveryone has the right\r\nto education.\r\n\r\n2\r\n00:00:05,000 --> 00:00:06,500\r\n<i>No one</i> shall be held.\r\n\r\n3\r\n00:00:07,000 --> 00:00:08,000\r\n♪ ♪\r\n";
        let file = Subtitles::parse(srt.as_bytes(), false).unwrap();
        let texts: Vec<&str> = file.units.iter().map(|u| u.text.as_str()).collect();
        assert_eq!(
            texts,
            ["Everyone has the right to education.", "<i>No one</i> shall be held."]
        );
        assert_eq!(file.units[1].kind, UnitKind::Html);
        let out = file
            .render(
                &[
                    "Toute personne a droit à l'éducation.".into(),
                    "<i>Nul</i> ne sera tenu &amp; X.".into(),
                ],
                fra(),
            )
            .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "1\r\n00:00:01,000 --> 00:00:04,000\r\nToute personne a droit à l'éducation.\r\n\r\n2\r\n00:00:05,000 --> 00:00:06,500\r\n<i>Nul</i> ne sera tenu & X.\r\n\r\n3\r\n00:00:07,000 --> 00:00:08,000\r\n♪ ♪\r\n"
        );
    }

    #[test]
    fn vtt_keeps_header_notes_styles_and_settings() {
        let vtt = "WEBVTT - a talk\n\nNOTE translated --> never\n\nSTYLE\n::cue { color: lime }\n\nintro\n00:01.000 --> 00:04.000 align:start line:0\nHello world.\n";
        let file = Subtitles::parse(vtt.as_bytes(), true).unwrap();
        assert_eq!(file.units.len(), 1);
        let out = String::from_utf8(file.render(&["Bonjour le monde.".into()], fra()).unwrap()).unwrap();
        assert_eq!(out, vtt.replace("Hello world.", "Bonjour le monde."));
    }

    #[test]
    fn wrong_content_is_refused() {
        assert!(Subtitles::parse(b"just some text\nno timings\n", false).is_err());
        assert!(
            Subtitles::parse(b"1\n00:00:01,000 --> 00:00:02,000\nHi\n", true).is_err(),
            "no WEBVTT header"
        );
        assert!(Subtitles::parse(b"\xff\xfe", false).is_err());
    }

    #[test]
    fn an_encoded_line_break_does_not_split_a_cue() {
        // Found by the `doc_subtitles` fuzz target: `&#10;` decoded into a line break, and the
        // cue's text came back as a second block.
        let srt = "1\n00:00:01,000 --> 00:00:02,000\n<i>Line one&#10;&#10;line two</i>\n";
        let file = Subtitles::parse(srt.as_bytes(), false).unwrap();
        let texts: Vec<String> = file.units().iter().map(|u| u.text.clone()).collect();
        let out = String::from_utf8(file.render(&texts, LangCode::parse("fra_Latn").unwrap()).unwrap()).unwrap();
        assert!(out.ends_with("<i>Line one line two</i>\n"), "{out:?}");
    }
}
