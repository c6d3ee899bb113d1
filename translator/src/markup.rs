//! An HTML fragment as texts to translate and back, for the API and documents alike: each run (a
//! stretch of flowing text) is one text, and each inline span that needs it is one more,
//! translated alone so that its tags can be placed in the run's translation ([`crate::html`]).

pub use crate::entities::escape_into;
use crate::html::{Dialect, HtmlDocument, RunTranslation};

/// The texts an HTML fragment needs translated, and how to put their translations back.
#[derive(Debug, Clone)]
pub struct HtmlPlan {
    document: HtmlDocument,
    /// Per run: the index of its text, and of each span's text where one is needed.
    runs: Vec<(usize, Vec<Option<usize>>)>,
}

impl HtmlPlan {
    /// Parses `html` and appends the texts to translate to `texts`.
    pub fn new(html: &str, texts: &mut Vec<String>) -> HtmlPlan {
        HtmlPlan::new_as(html, &Dialect::Html, texts)
    }

    /// As [`HtmlPlan::new`], for markup of the given dialect.
    pub fn new_as(html: &str, dialect: &Dialect, texts: &mut Vec<String>) -> HtmlPlan {
        let document = HtmlDocument::parse_as(html, dialect);
        let mut add = |text: &str| {
            texts.push(text.to_string());
            texts.len() - 1
        };
        let runs = document
            .runs()
            .iter()
            .map(|run| {
                let whole = add(&run.text);
                let spans = run.span_texts().into_iter().map(|t| t.map(&mut add)).collect();
                (whole, spans)
            })
            .collect();
        HtmlPlan { document, runs }
    }

    /// Characters of the fragment's text, tags left out and each character once (a span's text is
    /// also translated alone, but it is part of its run).
    pub fn text_chars(&self) -> usize {
        self.document.runs().iter().map(|r| r.text.chars().count()).sum()
    }

    /// The fragment's plain text, runs joined by spaces: what language detection should see.
    pub fn plain_text(&self) -> String {
        self.document
            .runs()
            .iter()
            .map(|r| r.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The translated fragment, given the translations of everything `new` appended, indexed
    /// as it appended them (`translated(i)` for text `i`).
    pub fn render<'a>(&self, translated: impl Fn(usize) -> &'a str) -> String {
        let translations: Vec<RunTranslation> = self
            .runs
            .iter()
            .map(|(whole, spans)| RunTranslation {
                text: translated(*whole).to_string(),
                spans: spans
                    .iter()
                    .map(|unit| unit.map_or(String::new(), |u| translated(u).to_string()))
                    .collect(),
            })
            .collect();
        self.document.render(&translations)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_appended_after_existing_ones_and_put_back() {
        let mut texts = vec!["before".to_string()];
        let plan = HtmlPlan::new("<p>Hello <b>dear</b> friend.</p><p>Bye</p>", &mut texts);
        assert_eq!(texts, ["before", "Hello dear friend.", "dear", "Bye"]);
        assert_eq!(plan.plain_text(), "Hello dear friend. Bye");
        let upper: Vec<String> = texts.iter().map(|t| t.to_uppercase()).collect();
        let html = plan.render(|i| upper[i].as_str());
        assert_eq!(html, "<p>HELLO <b>DEAR</b> FRIEND.</p><p>BYE</p>");
    }
}
