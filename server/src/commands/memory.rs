//! `tolk memory`: a community's translation memories in the server's database, from the command
//! line: list them, import and export TMX or TSV, delete them. It opens the database `tolk serve`
//! uses (the same `--database-url`, `--data-dir` and config file), so it works beside a running
//! server; `tolk batch --memory` reads memories the same way.

use std::io::Write;
use std::path::{Path, PathBuf};

use tolk_server::app::jobs::store::Store;
use tolk_server::app::keys::owner_id;
use tolk_server::app::memory::exchange::{self, ExchangeFormat};
use tolk_server::app::memory::lookup::LoadedMemory;
use tolk_server::app::memory::{check_import, check_name, store};

use super::Failure;

/// Arguments of `tolk memory`.
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    action: Action,
    #[command(flatten)]
    database: DatabaseArgs,
}

/// Which database and whose memories.
#[derive(clap::Args)]
pub struct DatabaseArgs {
    /// The database `tolk serve` uses: `sqlite://FILE` or `postgres://…` [default:
    /// sqlite://DATA_DIR/tolk.db].
    #[arg(long, env = "TOLK_DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// Tolk's data folder [default: ~/.local/share/tolk].
    #[arg(long, env = "TOLK_DATA_DIR", global = true)]
    pub data_dir: Option<PathBuf>,
    /// Config file of `tolk serve` (its database settings are used; `tolk batch` also takes its
    /// `[quality]` table).
    #[arg(long, env = "TOLK_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    /// The API key whose memories these are, when the server has keys [default: the memories of
    /// a server without keys].
    #[arg(long, env = "TOLK_API_KEY", global = true)]
    pub key: Option<String>,
}

#[derive(clap::Subcommand)]
enum Action {
    /// List the memories and their sizes.
    List,
    /// Write a memory as TMX 1.4b or TSV.
    Export {
        /// The memory's name.
        name: String,
        /// File to write (its extension, .tmx or .tsv, gives the format) [default: standard output].
        #[arg(long = "out")]
        output: Option<PathBuf>,
        /// tmx or tsv [default: by --out's extension, else tsv].
        #[arg(long)]
        format: Option<String>,
    },
    /// Add a TMX or TSV file's entries to a memory (made if new): all, or none if the file is broken.
    Import {
        /// The memory's name.
        name: String,
        /// The file (.tmx or .tsv).
        file: PathBuf,
        /// tmx or tsv [default: by the file's extension].
        #[arg(long)]
        format: Option<String>,
    },
    /// Delete a memory, or one entry of it, its text gone from the disk too.
    Delete {
        /// The memory's name.
        name: String,
        /// Only this entry (its id, from `GET /v1/memories/NAME/entries?format=json`).
        #[arg(long)]
        entry: Option<i64>,
    },
}

fn format_of(name: Option<&str>, path: Option<&Path>) -> Result<ExchangeFormat, Failure> {
    match (name, path) {
        (Some(name), _) => {
            ExchangeFormat::parse(name).ok_or_else(|| Failure::usage(format!("--format {name:?}: use tmx or tsv")))
        }
        (None, Some(path)) => ExchangeFormat::of_path(path).ok_or_else(|| {
            Failure::usage(format!(
                "{}: name a .tmx or .tsv file, or give --format",
                path.display()
            ))
        }),
        (None, None) => Ok(ExchangeFormat::Tsv),
    }
}

impl DatabaseArgs {
    /// The owner column of the memories meant.
    fn owner(&self) -> String {
        self.key.as_deref().map(owner_id).unwrap_or_default()
    }

    /// Opens the database as `tolk serve` would, on `runtime`.
    fn open(&self, runtime: &tokio::runtime::Runtime) -> Result<Store, Failure> {
        let mut args: Vec<std::ffi::OsString> = Vec::new();
        if let Some(url) = &self.database_url {
            args.extend(["--database-url".into(), url.into()]);
        }
        if let Some(dir) = &self.data_dir {
            args.extend(["--data-dir".into(), dir.into()]);
        }
        if let Some(config) = &self.config {
            args.extend(["--config".into(), config.into()]);
        }
        let url = tolk_server::settings::Settings::from_args(args)
            .map_err(Failure::usage)?
            .database_url;
        if let Some(path) = url.strip_prefix("sqlite://") {
            let file = Path::new(path.split('?').next().unwrap_or(path));
            if let Some(parent) = file.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent)
                    .map_err(|e| Failure::runtime(format!("cannot create {}: {e}", parent.display())))?;
            }
        }
        runtime
            .block_on(Store::open(&url, tolk_server::app::service_tables))
            .map_err(|e| Failure::runtime(format!("cannot open the database: {e}")))
    }

    /// One memory, read whole for `tolk batch`.
    pub fn load(&self, name: &str) -> Result<LoadedMemory, Failure> {
        let runtime = runtime()?;
        let database = self.open(&runtime)?;
        let rows = runtime
            .block_on(store::memory_entries(&database, &self.owner(), name))
            .map_err(|e| Failure::runtime(format!("cannot read memory {name}: {e}")))?;
        if rows.is_empty() {
            return Err(Failure::usage(format!(
                "--memory {name}: no such memory in the database (nor a file of that name)"
            )));
        }
        Ok(LoadedMemory::new(rows.iter().map(|r| {
            [
                r.source_lang.as_str(),
                r.target_lang.as_str(),
                r.source.as_str(),
                r.target.as_str(),
            ]
        })))
    }
}

/// A memory for `tolk batch --memory NAME|FILE`: a .tmx or .tsv file where one exists, else the
/// database's memory of that name.
pub fn load_for_batch(name_or_file: &str, database: &DatabaseArgs) -> Result<LoadedMemory, Failure> {
    let path = Path::new(name_or_file);
    if !path.is_file() {
        return database.load(name_or_file);
    }
    let format = format_of(None, Some(path))?;
    let bytes = std::fs::read(path).map_err(|e| Failure::runtime(format!("{}: {e}", path.display())))?;
    let entries = exchange::read(&bytes, format).map_err(|e| Failure::usage(format!("{}: {e}", path.display())))?;
    check_import(&entries).map_err(|e| Failure::usage(format!("{}: {e}", path.display())))?;
    Ok(LoadedMemory::new(entries.iter().map(|e| {
        [
            e.source_lang.as_str(),
            e.target_lang.as_str(),
            e.source.as_str(),
            e.target.as_str(),
        ]
    })))
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::runtime(format!("cannot start the async runtime: {e}")))
}

/// Runs the command.
pub fn run(args: Args) -> Result<(), Failure> {
    let runtime = runtime()?;
    let database = args.database.open(&runtime)?;
    let owner = args.database.owner();
    let failed = |e: tolk_server::app::jobs::store::StoreError| Failure::runtime(format!("the database failed: {e}"));
    match args.action {
        Action::List => {
            let memories = runtime.block_on(store::memories(&database, &owner)).map_err(failed)?;
            if memories.is_empty() {
                eprintln!("no memories yet");
            }
            for (name, entries) in memories {
                println!("{name}\t{entries}");
            }
        }
        Action::Export { name, output, format } => {
            let format = format_of(format.as_deref(), output.as_deref())?;
            let rows = runtime
                .block_on(store::memory_entries(&database, &owner, &name))
                .map_err(failed)?;
            if rows.is_empty() {
                return Err(Failure::usage(format!("no memory called {name:?}")));
            }
            let text = exchange::write(&rows, format);
            match output {
                Some(path) => std::fs::write(&path, text)
                    .map_err(|e| Failure::runtime(format!("cannot write {}: {e}", path.display())))?,
                None => std::io::stdout()
                    .write_all(text.as_bytes())
                    .map_err(|e| Failure::runtime(format!("cannot write: {e}")))?,
            }
            eprintln!("exported {} entries of {name}", rows.len());
        }
        Action::Import { name, file, format } => {
            let name = check_name(Some(&name)).map_err(Failure::usage)?;
            let format = format_of(format.as_deref(), Some(&file))?;
            let bytes = std::fs::read(&file).map_err(|e| Failure::runtime(format!("{}: {e}", file.display())))?;
            let entries =
                exchange::read(&bytes, format).map_err(|e| Failure::usage(format!("{}: {e}", file.display())))?;
            check_import(&entries).map_err(|e| Failure::usage(format!("{}: {e}", file.display())))?;
            let stored = runtime
                .block_on(store::insert(&database, &owner, &name, &entries))
                .map_err(failed)?
                .entries;
            eprintln!("imported {stored} entries into {name}");
        }
        Action::Delete { name, entry } => {
            let deleted = runtime
                .block_on(store::delete(&database, &owner, &name, entry))
                .map_err(failed)?;
            if deleted == 0 {
                return Err(Failure::usage(match entry {
                    Some(id) => format!("memory {name:?} has no entry {id}"),
                    None => format!("no memory called {name:?}"),
                }));
            }
            eprintln!("deleted {deleted} entries of {name}; their text is gone from the database file");
        }
    }
    Ok(())
}
