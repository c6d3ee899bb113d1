//! `tolk languages`: the catalogue of the 202 NLLB languages.

use std::io::Write;

use langs::{catalogue, Detector};

use super::Failure;

/// Arguments of `tolk languages`.
#[derive(clap::Args)]
pub struct Args {
    /// Print a JSON array (code, name, autonym, ISO codes, script, direction, resource level, aliases)
    /// instead of a table.
    #[arg(long)]
    json: bool,
}

/// Runs the command.
pub fn run(args: Args) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    let written = if args.json {
        serde_json::to_writer_pretty(&mut out, catalogue())
            .map_err(std::io::Error::other)
            .and_then(|()| writeln!(out))
    } else {
        write_table(&mut out)
    };
    match written.and_then(|()| out.flush()) {
        // `tolk languages | head` closes the pipe early; that is not a failure.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map_err(|e| Failure::runtime(format!("cannot write the list: {e}"))),
    }
}

fn write_table(out: &mut impl Write) -> std::io::Result<()> {
    let detectable = Detector::shared().languages();
    writeln!(
        out,
        "{:<9} {:<4} {:<4} {:<4} {:<4} {:<7} {:<6} {:<34} AUTONYM",
        "CODE", "ISO1", "ISO3", "SCR", "DIR", "DETECT", "RES", "NAME"
    )?;
    for lang in catalogue() {
        writeln!(
            out,
            "{:<9} {:<4} {:<4} {:<4} {:<4} {:<7} {:<6} {:<34} {}",
            lang.code,
            lang.iso639_1.unwrap_or("-"),
            lang.iso639_3,
            lang.script.as_str(),
            lang.direction.as_str(),
            if detectable.contains(&lang.code) { "yes" } else { "no" },
            if lang.low_resource { "low" } else { "high" },
            lang.name,
            lang.autonym
        )?;
    }
    Ok(())
}
