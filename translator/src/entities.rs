//! Character references and escaping, shared by every format that carries HTML or XML text: the
//! HTML runs, HTML files, Markdown's inline HTML, subtitles, placeholders and office XML. One
//! decoder keeps them agreeing on what `&name;` means, so that text round-trips the same way
//! whichever format it came in.

/// Latin-1 entities, `&nbsp;` (U+00A0) to `&yuml;` (U+00FF), in code point order.
#[rustfmt::skip]
const LATIN1: [&str; 96] = [
    "nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect", "uml", "copy", "ordf", "laquo", "not", "shy",
    "reg", "macr", "deg", "plusmn", "sup2", "sup3", "acute", "micro", "para", "middot", "cedil", "sup1", "ordm",
    "raquo", "frac14", "frac12", "frac34", "iquest", "Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig",
    "Ccedil", "Egrave", "Eacute", "Ecirc", "Euml", "Igrave", "Iacute", "Icirc", "Iuml", "ETH", "Ntilde", "Ograve",
    "Oacute", "Ocirc", "Otilde", "Ouml", "times", "Oslash", "Ugrave", "Uacute", "Ucirc", "Uuml", "Yacute", "THORN",
    "szlig", "agrave", "aacute", "acirc", "atilde", "auml", "aring", "aelig", "ccedil", "egrave", "eacute", "ecirc",
    "euml", "igrave", "iacute", "icirc", "iuml", "eth", "ntilde", "ograve", "oacute", "ocirc", "otilde", "ouml",
    "divide", "oslash", "ugrave", "uacute", "ucirc", "uuml", "yacute", "thorn", "yuml",
];

/// The other entities of HTML 4 (with HTML5's values) and `&apos;`. The full HTML5 list has over
/// two thousand names; one not here stays literal text, which re-escaping writes as `&amp;name;`.
#[rustfmt::skip]
const NAMED: &[(&str, u32)] = &[
    ("quot", 34), ("amp", 38), ("apos", 39), ("lt", 60), ("gt", 62), ("OElig", 338), ("oelig", 339),
    ("Scaron", 352), ("scaron", 353), ("Yuml", 376), ("fnof", 402), ("circ", 710), ("tilde", 732),
    ("Alpha", 913), ("Beta", 914), ("Gamma", 915), ("Delta", 916), ("Epsilon", 917), ("Zeta", 918), ("Eta", 919),
    ("Theta", 920), ("Iota", 921), ("Kappa", 922), ("Lambda", 923), ("Mu", 924), ("Nu", 925), ("Xi", 926),
    ("Omicron", 927), ("Pi", 928), ("Rho", 929), ("Sigma", 931), ("Tau", 932), ("Upsilon", 933), ("Phi", 934),
    ("Chi", 935), ("Psi", 936), ("Omega", 937), ("alpha", 945), ("beta", 946), ("gamma", 947), ("delta", 948),
    ("epsilon", 949), ("zeta", 950), ("eta", 951), ("theta", 952), ("iota", 953), ("kappa", 954), ("lambda", 955),
    ("mu", 956), ("nu", 957), ("xi", 958), ("omicron", 959), ("pi", 960), ("rho", 961), ("sigmaf", 962),
    ("sigma", 963), ("tau", 964), ("upsilon", 965), ("phi", 966), ("chi", 967), ("psi", 968), ("omega", 969),
    ("thetasym", 977), ("upsih", 978), ("piv", 982), ("ensp", 8194), ("emsp", 8195), ("thinsp", 8201),
    ("zwnj", 8204), ("zwj", 8205), ("lrm", 8206), ("rlm", 8207), ("ndash", 8211), ("mdash", 8212),
    ("lsquo", 8216), ("rsquo", 8217), ("sbquo", 8218), ("ldquo", 8220), ("rdquo", 8221), ("bdquo", 8222),
    ("dagger", 8224), ("Dagger", 8225), ("bull", 8226), ("hellip", 8230), ("permil", 8240), ("prime", 8242),
    ("Prime", 8243), ("lsaquo", 8249), ("rsaquo", 8250), ("oline", 8254), ("frasl", 8260), ("euro", 8364),
    ("image", 8465), ("weierp", 8472), ("real", 8476), ("trade", 8482), ("alefsym", 8501), ("larr", 8592),
    ("uarr", 8593), ("rarr", 8594), ("darr", 8595), ("harr", 8596), ("crarr", 8629), ("lArr", 8656),
    ("uArr", 8657), ("rArr", 8658), ("dArr", 8659), ("hArr", 8660), ("forall", 8704), ("part", 8706),
    ("exist", 8707), ("empty", 8709), ("nabla", 8711), ("isin", 8712), ("notin", 8713), ("ni", 8715),
    ("prod", 8719), ("sum", 8721), ("minus", 8722), ("lowast", 8727), ("radic", 8730), ("prop", 8733),
    ("infin", 8734), ("ang", 8736), ("and", 8743), ("or", 8744), ("cap", 8745), ("cup", 8746), ("int", 8747),
    ("there4", 8756), ("sim", 8764), ("cong", 8773), ("asymp", 8776), ("ne", 8800), ("equiv", 8801), ("le", 8804),
    ("ge", 8805), ("sub", 8834), ("sup", 8835), ("nsub", 8836), ("sube", 8838), ("supe", 8839), ("oplus", 8853),
    ("otimes", 8855), ("perp", 8869), ("sdot", 8901), ("lceil", 8968), ("rceil", 8969), ("lfloor", 8970),
    ("rfloor", 8971), ("lang", 10216), ("rang", 10217), ("loz", 9674), ("spades", 9824), ("clubs", 9827),
    ("hearts", 9829), ("diams", 9830),
];

/// What numeric references to 0x80-0x9F mean: browsers read them as Windows-1252.
#[rustfmt::skip]
const WINDOWS_1252: [u32; 32] = [
    0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D,
    0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A,
    0x0153, 0x9D, 0x017E, 0x0178,
];

/// Text with its character references decoded; an `&` that starts none stays literal.
pub(crate) fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        let after = &rest[p + 1..];
        match reference(after) {
            Some((c, used)) => {
                out.push(c);
                rest = after.get(used..).unwrap_or("");
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The character a reference stands for (the text after its `&`) and the bytes it takes.
fn reference(after: &str) -> Option<(char, usize)> {
    let b = after.as_bytes();
    if b.first() == Some(&b'#') {
        let (radix, start) = match b.get(1) {
            Some(b'x' | b'X') => (16, 2),
            _ => (10, 1),
        };
        let digits = b[start.min(b.len())..]
            .iter()
            .take_while(|c| (**c as char).is_digit(radix))
            .count();
        if digits == 0 {
            return None;
        }
        let value = b[start..start + digits].iter().fold(0u32, |v, &c| {
            v.saturating_mul(radix)
                .saturating_add((c as char).to_digit(radix).unwrap_or(0))
        });
        // The semicolon may be missing; browsers read the reference all the same.
        let used = start + digits + usize::from(b.get(start + digits) == Some(&b';'));
        let c = match value {
            0 => '\u{FFFD}',
            0x80..=0x9F => char::from_u32(WINDOWS_1252[(value - 0x80) as usize]).unwrap_or('\u{FFFD}'),
            _ => char::from_u32(value).unwrap_or('\u{FFFD}'),
        };
        return Some((c, used));
    }
    let len = b.iter().take_while(|c| c.is_ascii_alphanumeric()).count();
    if len == 0 || b.get(len) != Some(&b';') {
        return None;
    }
    let name = &after[..len];
    let code = match LATIN1.iter().position(|&n| n == name) {
        Some(k) => 0xA0 + k as u32,
        None => NAMED.iter().find(|(n, _)| *n == name)?.1,
    };
    Some((char::from_u32(code)?, len + 1))
}

/// Appends text escaped for HTML text content.
pub fn escape_into(out: &mut String, text: &str) {
    // A stray `<` that malformed source markup left at the end of what is written so far (kept
    // verbatim) was text where it stood; followed by a translation starting with a letter, `/`, `!`
    // or `?` it would open a tag made of translated words. Written as `&lt;` it reads the same.
    if out.ends_with('<') && text.starts_with(|c: char| c.is_ascii_alphabetic() || matches!(c, '/' | '!' | '?')) {
        out.pop();
        out.push_str("&lt;");
    }
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_numeric_and_unknown_references() {
        assert_eq!(
            decode_entities("caf&eacute; &#x1F600; &#233;t&eacute; &#150; &bogus; &amp x &#0;"),
            "café 😀 été – &bogus; &amp x \u{FFFD}"
        );
        // Numeric references may lack their semicolon; named ones may not.
        assert_eq!(decode_entities("&#65B &#x42; &lt &apos;"), "AB B &lt '");
        assert_eq!(decode_entities("&#99999999999; &# &"), "\u{FFFD} &# &");
    }

    #[test]
    fn escaping_writes_only_what_html_text_needs() {
        let mut out = String::from("x ");
        escape_into(&mut out, "a < b & \"c\" > 'd'");
        assert_eq!(out, "x a &lt; b &amp; \"c\" &gt; 'd'");
    }

    #[test]
    fn a_stray_angle_bracket_before_letters_is_escaped() {
        let mut out = String::from("<code><");
        escape_into(&mut out, "img src=x");
        assert_eq!(out, "<code>&lt;img src=x");
        let mut out = String::from("a <");
        escape_into(&mut out, " b");
        assert_eq!(out, "a < b");
    }
}
