//! A real PostgreSQL server for the tests that need one (jobs and memory shared by servers).

use std::path::PathBuf;
use std::process::Command;

/// A PostgreSQL server on loopback in a temporary folder, stopped on drop.
pub struct Postgres {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
}

impl Postgres {
    /// Starts one (initdb, pg_ctl); needs the server binaries, which scripts/test installs.
    pub fn start() -> Postgres {
        let bin = [
            "/usr/lib/postgresql/17/bin",
            "/usr/lib/postgresql/16/bin",
            "/usr/lib/postgresql/15/bin",
        ]
        .iter()
        .map(PathBuf::from)
        .find(|dir| dir.join("initdb").is_file())
        .expect("PostgreSQL server binaries (apt install postgresql; scripts/test installs them)");
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let postgres = Postgres { dir, bin, port };
        // initdb refuses to run as root: run it as the postgres user then.
        if is_root() {
            std::fs::set_permissions(postgres.dir.path(), std::os::unix::fs::PermissionsExt::from_mode(0o777)).unwrap();
        }
        let data = postgres.dir.path().join("data");
        postgres.run(
            "initdb",
            &["-D", data.to_str().unwrap(), "-U", "postgres", "-A", "trust"],
        );
        let options = format!("-h 127.0.0.1 -p {port} -k {}", postgres.dir.path().display());
        let log = postgres.dir.path().join("log");
        postgres.run(
            "pg_ctl",
            &[
                "-D",
                data.to_str().unwrap(),
                "-o",
                &options,
                "-l",
                log.to_str().unwrap(),
                "-w",
                "start",
            ],
        );
        postgres
    }

    fn run(&self, program: &str, args: &[&str]) {
        let program = self.bin.join(program);
        let mut command = if is_root() {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(&program);
            command
        } else {
            Command::new(&program)
        };
        let status = command
            .args(args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap_or_else(|e| panic!("{}: {e}", program.display()));
        assert!(status.success(), "{} {args:?} failed", program.display());
    }

    /// Its connection URL.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let data = self.dir.path().join("data");
        self.run("pg_ctl", &["-D", data.to_str().unwrap(), "-m", "immediate", "stop"]);
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout == b"0\n")
        .unwrap_or(false)
}
