//! Which markup a text is written in, and how XML is read: the rules the parser applies
//! (`parser.rs` holds their meaning for each element).

/// Which markup a text is written in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Dialect {
    /// HTML: its inline and kept elements, void elements and raw text (see the module docs).
    #[default]
    Html,
    /// XML as DeepL's `tag_handling=xml` reads it.
    Xml(XmlRules),
}

/// How XML is read (DeepL's `tag_handling=xml`): self-closing tags are void, nothing is raw text,
/// `translate="no"` and class `notranslate` still keep an element.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct XmlRules {
    /// Elements that always end a sentence (`splitting_tags`), lower-case.
    pub splitting: Vec<String>,
    /// Elements that never end one (`non_splitting_tags`), lower-case.
    pub non_splitting: Vec<String>,
    /// Elements kept as they are, content and all (`ignore_tags`), lower-case.
    pub ignore: Vec<String>,
    /// Whether the elements named in no list are guessed (HTML's inline names flow, others split);
    /// off (`outline_detection=0`), every element not in `splitting` flows.
    pub outline_detection: bool,
}
