//! `tolk models`: the known models, which are installed, and downloading them.

use std::path::PathBuf;

use serde::Serialize;

use super::Failure;
use tolk_server::models::{Hub, HubSource, KnownModel, CATALOGUE, DEFAULT_MODEL};

/// Arguments of `tolk models`.
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(clap::Subcommand)]
enum Action {
    /// The known models: repository, size, memory, and whether each is installed.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Download a model (resuming an interrupted download) and check every file against the
    /// Hub's checksums; prints the model's directory.
    Pull {
        /// A known model's name, or any Hub repository as OWNER/NAME[@REVISION].
        #[arg(default_value = DEFAULT_MODEL)]
        model: String,
    },
}

#[derive(Serialize)]
struct ListedModel {
    name: &'static str,
    default: bool,
    repository: &'static str,
    revision: &'static str,
    quantization: &'static str,
    disk_mb: u32,
    memory_mb: u32,
    summary: &'static str,
    installed: Option<PathBuf>,
}

/// Runs the command.
pub fn run(args: Args) -> Result<(), Failure> {
    let hub = Hub::from_env().map_err(Failure::runtime)?;
    match args.action {
        Action::List { json } => list(&hub, json),
        Action::Pull { model } => {
            let source = HubSource::parse(&model).map_err(Failure::usage)?;
            eprintln!("pulling {source} into {}", hub.cache_dir().display());
            let dir = hub.pull(&source).map_err(Failure::runtime)?;
            translator::ModelFiles::inspect(&dir).map_err(Failure::runtime)?;
            println!("{}", dir.display());
            Ok(())
        }
    }
}

fn list(hub: &Hub, json: bool) -> Result<(), Failure> {
    let models: Vec<ListedModel> = CATALOGUE
        .iter()
        .map(|known: &KnownModel| ListedModel {
            name: known.name,
            default: known.name == DEFAULT_MODEL,
            repository: known.repository,
            revision: known.revision,
            quantization: known.quantization,
            disk_mb: known.disk_mb,
            memory_mb: known.memory_mb,
            summary: known.summary,
            installed: hub.installed(&HubSource::from(known)),
        })
        .collect();
    if json {
        let text = serde_json::to_string_pretty(&models).map_err(Failure::runtime)?;
        println!("{text}");
        return Ok(());
    }
    println!(
        "{:<22} {:<8} {:>8} {:>8}  {:<10} REPOSITORY@REVISION",
        "NAME", "WEIGHTS", "DISK", "MEMORY", "INSTALLED"
    );
    for model in &models {
        let name = if model.default {
            format!("{} (default)", model.name)
        } else {
            model.name.to_string()
        };
        println!(
            "{name:<22} {:<8} {:>5} MB {:>5} MB  {:<10} {}@{}",
            model.quantization,
            model.disk_mb,
            model.memory_mb,
            if model.installed.is_some() { "yes" } else { "no" },
            model.repository,
            model.revision
        );
    }
    println!("\ncache: {} (HF_HOME moves it)", hub.cache_dir().display());
    for model in models.iter().filter(|m| m.installed.is_some()) {
        println!(
            "{}: {}",
            model.name,
            model.installed.as_ref().expect("filtered").display()
        );
    }
    Ok(())
}
