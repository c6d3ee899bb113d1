//! One module per subcommand of `tolk`.

pub mod batch;
pub mod detect;
pub mod eval;
pub mod languages;
pub mod models;
pub mod serve;
pub mod translate;

/// Why a command stopped: a message for the user and the process exit code.
#[derive(Debug)]
pub struct Failure {
    /// One or two sentences saying what is wrong and what to do.
    pub message: String,
    /// 2 for mistakes in the command line, 1 for everything else.
    pub exit_code: u8,
}

impl Failure {
    /// A mistake in how the command was called.
    pub fn usage(message: impl std::fmt::Display) -> Failure {
        Failure {
            message: message.to_string(),
            exit_code: 2,
        }
    }

    /// Anything else: missing files, broken models, I/O.
    pub fn runtime(message: impl std::fmt::Display) -> Failure {
        Failure {
            message: message.to_string(),
            exit_code: 1,
        }
    }
}
