//! `tolk`: Tolk's command line. Subcommands live in `commands/`, one file each.

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
    /// Tell the language of a text.
    Detect(commands::detect::Args),
    /// List the 202 languages: codes, names, script, which are detectable.
    Languages(commands::languages::Args),
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("TOLK_LOG").unwrap_or_else(|_| "warn".into()))
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Translate(args) => commands::translate::run(args),
        Command::Detect(args) => commands::detect::run(args),
        Command::Languages(args) => commands::languages::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("tolk: {}", failure.message);
            ExitCode::from(failure.exit_code)
        }
    }
}
