//! The NLLB-200 models Tolk knows by name: CTranslate2 conversions published on the Hugging Face
//! Hub, with what they cost on disk and in memory.

use std::fmt;

/// A pre-converted model on the Hub.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnownModel {
    /// The name `tolk models pull` and `--model` accept.
    pub name: &'static str,
    /// Hub repository, `owner/name`.
    pub repository: &'static str,
    /// Branch or commit the download is pinned to.
    pub revision: &'static str,
    /// How the weights are stored.
    pub quantization: &'static str,
    /// Size of the downloaded files, megabytes.
    pub disk_mb: u32,
    /// Memory a server needs with one replica, megabytes (weights plus decoding work space).
    pub memory_mb: u32,
    /// What it is for.
    pub summary: &'static str,
}

/// The model used when none is named: the smallest one that translates all 202 languages well.
pub const DEFAULT_MODEL: &str = "nllb-600m";

/// Every known model, the default first. Memory figures for the 600M model were measured
/// (docs/benchmarks.md); the others scale its activations with the model width.
pub const CATALOGUE: [KnownModel; 5] = [
    KnownModel {
        name: "nllb-600m",
        repository: "JustFrederik/nllb-200-distilled-600M-ct2-int8",
        revision: "main",
        quantization: "int8",
        disk_mb: 630,
        memory_mb: 1_350,
        summary: "NLLB-200 distilled 600M: fast on a laptop CPU; the default",
    },
    KnownModel {
        name: "nllb-600m-float16",
        repository: "JustFrederik/nllb-200-distilled-600M-ct2-float16",
        revision: "21fb3e50b01d17d7d049dac1847c8b2e1b2549ee",
        quantization: "float16",
        disk_mb: 1_250,
        memory_mb: 2_000,
        summary: "the same model unquantized for GPUs (on CPU it is loaded as int8 or float32)",
    },
    KnownModel {
        name: "nllb-1.3b-distilled",
        repository: "JustFrederik/nllb-200-distilled-1.3B-ct2-int8",
        revision: "main",
        quantization: "int8",
        disk_mb: 1_380,
        memory_mb: 2_600,
        summary: "NLLB-200 distilled 1.3B: better quality, about twice as slow",
    },
    KnownModel {
        name: "nllb-1.3b",
        repository: "JustFrederik/nllb-200-1.3B-ct2-int8",
        revision: "main",
        quantization: "int8",
        disk_mb: 1_380,
        memory_mb: 2_600,
        summary: "NLLB-200 1.3B (not distilled)",
    },
    KnownModel {
        name: "nllb-3.3b",
        repository: "JustFrederik/nllb-200-3.3B-ct2-int8",
        revision: "main",
        quantization: "int8",
        disk_mb: 3_350,
        memory_mb: 5_500,
        summary: "NLLB-200 3.3B: the best quality; a GPU or patience",
    },
];

impl KnownModel {
    /// The known model called `name` (case-insensitive).
    pub fn named(name: &str) -> Option<&'static KnownModel> {
        CATALOGUE.iter().find(|m| m.name.eq_ignore_ascii_case(name.trim()))
    }
}

/// Where to download from: a known model or any Hub repository at a revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HubSource {
    /// `owner/name`.
    pub repository: String,
    /// Branch, tag or commit.
    pub revision: String,
}

impl HubSource {
    /// Reads a catalogue name or `owner/name[@revision]`.
    pub fn parse(value: &str) -> Result<HubSource, String> {
        let value = value.trim();
        if let Some(known) = KnownModel::named(value) {
            return Ok(HubSource::from(known));
        }
        let (repository, revision) = value.split_once('@').unwrap_or((value, "main"));
        let valid_part = |part: &str| {
            !part.is_empty()
                && part != "."
                && part != ".."
                && part.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
        };
        let repository_ok =
            matches!(repository.split_once('/'), Some((owner, name)) if valid_part(owner) && valid_part(name));
        if !repository_ok || revision.is_empty() || revision.contains("..") {
            let names: Vec<&str> = CATALOGUE.iter().map(|m| m.name).collect();
            return Err(format!(
                "{value:?} is neither a known model ({}) nor a Hub repository OWNER/NAME[@REVISION]",
                names.join(", ")
            ));
        }
        Ok(HubSource {
            repository: repository.to_string(),
            revision: revision.to_string(),
        })
    }
}

impl From<&KnownModel> for HubSource {
    fn from(known: &KnownModel) -> HubSource {
        HubSource {
            repository: known.repository.to_string(),
            revision: known.revision.to_string(),
        }
    }
}

impl fmt::Display for HubSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}", self.repository, self.revision)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_model_comes_first_and_names_are_unique() {
        assert_eq!(CATALOGUE[0].name, DEFAULT_MODEL);
        for (i, model) in CATALOGUE.iter().enumerate() {
            assert!(CATALOGUE[i + 1..].iter().all(|other| other.name != model.name));
            assert!(HubSource::parse(model.repository).is_ok(), "{}", model.repository);
        }
    }

    #[test]
    fn sources_are_catalogue_names_or_repositories() {
        let known = HubSource::parse("NLLB-1.3B").unwrap();
        assert_eq!(known.repository, "JustFrederik/nllb-200-1.3B-ct2-int8");
        let any = HubSource::parse("team/quechua-ft@v2").unwrap();
        assert_eq!(
            (any.repository.as_str(), any.revision.as_str()),
            ("team/quechua-ft", "v2")
        );
        assert_eq!(HubSource::parse("team/model").unwrap().revision, "main");
        for bad in ["nllb", "a/b/c", "../x", "a/..", "a/b@", "a /b", "/abs"] {
            let error = HubSource::parse(bad).unwrap_err();
            assert!(error.contains("nllb-600m"), "{bad}: {error}");
        }
    }
}
