//! `tolk`: Tolk's command line. It parses the arguments and calls the `tolk_server` library;
//! subcommands live in `commands/`, one file each.

mod commands;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Self-hosted translation for the 200 languages of NLLB-200.
#[derive(Parser)]
#[command(name = "tolk", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Translate a file or standard input, keeping its layout.
    Translate(commands::translate::Args),
    /// Translate a folder of documents into one or more languages, mirroring its tree; resumable.
    Batch(commands::batch::Args),
    /// Tell the language of a text.
    Detect(commands::detect::Args),
    /// List the 202 languages: codes, names, script, which are detectable.
    Languages(commands::languages::Args),
    /// Score a model on a test set: chrF++ and BLEU per direction, and the share of flagged sentences.
    Eval(commands::eval::Args),
    /// The translation memories in the server's database: list, import and export (TMX, TSV), delete.
    Memory(commands::memory::Args),
    /// The known NLLB models: list them, download them.
    Models(commands::models::Args),
    /// Serve the HTTP API (Tolk's own, LibreTranslate- and DeepL-compatible) until SIGTERM.
    Serve(Box<tolk_server::settings::ServeArgs>),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // A server logs each request; a one-shot command only what goes wrong.
    let default_filter = match cli.command {
        Command::Serve(_) => "info",
        _ => "warn",
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("TOLK_LOG").unwrap_or_else(|_| default_filter.into()),
        )
        .with_writer(std::io::stderr)
        // Colour codes only for people at a terminal, not in log files and journals.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let result = match cli.command {
        Command::Translate(args) => commands::translate::run(args),
        Command::Batch(args) => commands::batch::run(args),
        Command::Detect(args) => commands::detect::run(args),
        Command::Eval(args) => commands::eval::run(args),
        Command::Languages(args) => commands::languages::run(args),
        Command::Memory(args) => commands::memory::run(args),
        Command::Models(args) => commands::models::run(args),
        Command::Serve(args) => commands::serve::run(*args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("tolk: {}", failure.message);
            ExitCode::from(failure.exit_code)
        }
    }
}
