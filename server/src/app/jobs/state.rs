//! Where a job and each of its units stand. Stored in the database as the lower-case names below,
//! as they always were, so that existing databases open unchanged.

use serde::Serialize;

/// Where one unit (a file into one language) stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum UnitState {
    /// Waiting for a worker.
    Pending,
    /// A worker holds its lease.
    Running,
    /// Translated; its output is stored.
    Done,
    /// Could not be translated; the reason is stored.
    Failed,
    /// Not a supported document format.
    Skipped,
}

impl UnitState {
    /// Every state, for parsing.
    const ALL: [UnitState; 5] = [
        UnitState::Pending,
        UnitState::Running,
        UnitState::Done,
        UnitState::Failed,
        UnitState::Skipped,
    ];

    /// Its name in the database and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            UnitState::Pending => "pending",
            UnitState::Running => "running",
            UnitState::Done => "done",
            UnitState::Failed => "failed",
            UnitState::Skipped => "skipped",
        }
    }

    /// The state named `name`, as the database stores it.
    pub fn parse(name: &str) -> Option<UnitState> {
        UnitState::ALL.into_iter().find(|state| state.as_str() == name)
    }
}

/// Where a whole job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    /// No unit taken yet.
    Queued,
    /// A worker has taken one of its units.
    Running,
    /// Every unit is done, failed or skipped.
    Done,
}

impl JobState {
    /// Every state, for parsing.
    const ALL: [JobState; 3] = [JobState::Queued, JobState::Running, JobState::Done];

    /// Its name in the database and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Done => "done",
        }
    }

    /// The state named `name`, as the database stores it.
    pub fn parse(name: &str) -> Option<JobState> {
        JobState::ALL.into_iter().find(|state| state.as_str() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_keep_the_names_existing_databases_hold() {
        let names: Vec<&str> = UnitState::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(names, ["pending", "running", "done", "failed", "skipped"]);
        for state in UnitState::ALL {
            assert_eq!(UnitState::parse(state.as_str()), Some(state));
            assert_eq!(serde_json::to_value(state).unwrap(), state.as_str());
        }
        for state in JobState::ALL {
            assert_eq!(JobState::parse(state.as_str()), Some(state));
            assert_eq!(serde_json::to_value(state).unwrap(), state.as_str());
        }
        assert_eq!(UnitState::parse("Done"), None);
        assert_eq!(JobState::parse(""), None);
    }
}
