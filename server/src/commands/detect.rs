//! `tolk detect`: the language of a text given as arguments or on standard input.

use std::io::{Read, Write};

use langs::{Detection, Detector, LangCode};

use super::Failure;

/// Arguments of `tolk detect`.
#[derive(clap::Args)]
pub struct Args {
    /// Print the whole detection as JSON: language, confidence (0–1), reliable, candidates.
    #[arg(long)]
    json: bool,
    /// Choose only among these languages: codes or names as `tolk languages` lists, comma-separated.
    #[arg(long, value_delimiter = ',')]
    only: Vec<String>,
    /// Text to detect (several words may follow unquoted); standard input when absent.
    text: Vec<String>,
}

/// Runs the command.
pub fn run(args: Args) -> Result<(), Failure> {
    let allowed = args
        .only
        .iter()
        .map(|name| LangCode::parse(name).map_err(|e| Failure::usage(format!("--only: {e}"))))
        .collect::<Result<Vec<_>, _>>()?;
    let text = if args.text.is_empty() {
        read_stdin()?
    } else {
        args.text.join(" ")
    };
    let detector = Detector::shared();
    let found = detector
        .detect_among(&text, (!allowed.is_empty()).then_some(allowed.as_slice()))
        .ok_or_else(|| Failure::runtime("the text has no letters to tell a language by"))?;
    let mut out = std::io::stdout().lock();
    let written = if args.json {
        serde_json::to_writer_pretty(&mut out, &found)
            .map_err(std::io::Error::other)
            .and_then(|()| writeln!(out))
    } else {
        writeln!(out, "{}", line(&found))
    };
    match written.and_then(|()| out.flush()) {
        // `tolk languages | head` closes the pipe early; that is not a failure.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map_err(|e| Failure::runtime(format!("cannot write the result: {e}"))),
    }
}

/// `code<TAB>confidence<TAB>reliable|unreliable<TAB>English name`: easy for people and for `cut`.
fn line(found: &Detection) -> String {
    format!(
        "{}\t{:.2}\t{}\t{}",
        found.language,
        found.confidence,
        if found.reliable { "reliable" } else { "unreliable" },
        found.language.info().name
    )
}

fn read_stdin() -> Result<String, Failure> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .read_to_end(&mut bytes)
        .map_err(|e| Failure::runtime(format!("cannot read standard input: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        Failure::runtime(format!(
            "standard input is not UTF-8 text (invalid byte at offset {}); convert it to UTF-8 first",
            e.utf8_error().valid_up_to()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_names_code_confidence_reliability_and_language() {
        let found = Detector::shared()
            .detect("Tous les êtres humains naissent libres et égaux en dignité et en droits.")
            .unwrap();
        assert_eq!(
            line(&found),
            format!("fra_Latn\t{:.2}\treliable\tFrench", found.confidence)
        );
    }
}
