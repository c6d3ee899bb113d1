#!/usr/bin/env python3
"""Writes the seed corpora in fuzz/seeds/ (kept in the repository): small valid inputs of each kind,
from which the fuzzers mutate. Rerun after changing it; the fuzz runs never write here."""
import io
import pathlib
import shutil
import zipfile

HERE = pathlib.Path(__file__).resolve().parent
SEEDS = HERE / "seeds"
FIXTURES = HERE.parent / "tests" / "fixtures" / "documents"


def write(target, name, data):
    path = SEEDS / target / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode())


def zip_of(entries):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data, stored in entries:
            z.writestr(name, data, zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
    return out.getvalue()


def main():
    shutil.rmtree(SEEDS, ignore_errors=True)
    texts = {
        "en": "Hello there. How are you?  Fine!\n\n  Indented line.\n",
        "zh": "第一。第二。「引用。」最后",
        "ar": "مرحبا بكم. كيف حالك؟\nسطر ثان",
        "mixed": "Dr. Smith went to Washington D.C. on Jan. 5... He said: \"Go!\" Then left.\t\n---\n42\n",
        "quechua": "Allinllachu kashanki? Ñuqaqa Qusqumanta kani.",
        "long": "word " * 60 + "end, and then more words follow here; until the very end.",
    }
    for name, text in texts.items():
        write("segment", name, text)
    for name, html in {
        "inline": "<p>Sales grew <b>strongly</b> this <a href='/x'>year</a> &amp; last.</p>",
        "code": "<p>Run <code>make</code> then <kbd>Enter</kbd>.<br>Next <span translate=\"no\">Tolk</span>.</p>",
        "broken": "<div><p>unclosed <i>tags <b>here</div> stray < and &bogus; entity",
        "script": "<script>var a = '<p>';</script><style>p{}</style><!-- c --><p title=\"t\">x</p>",
        "nested": "<ul><li>One <em>two <strong>three</strong></em> four.</li><li>Five</li></ul>",
    }.items():
        write("html", name, html)
    for name, text in {
        "code": "quy_Latn", "iso1": "fr", "iso3": "quy", "bcp47": "zh-Hant-TW", "name": "Quechua",
        "native": "Runa Simi", "maori": "Māori", "upper": "ENG_LATN", "detect": "Allinllachu kashanki? Ñuqaqa Qusqumanta kani.",
        "arabic": "مرحبا بكم في كل مكان", "script": "sr-Latn",
    }.items():
        write("language", name, text)
    for target, fixtures in {
        "doc_text": ["notes.txt"], "doc_markdown": ["guide.md"], "doc_html": ["page.html"],
        "doc_json": ["messages.json"], "doc_po": ["app.po"], "doc_xliff": ["strings.xlf", "strings2.xliff"],
    }.items():
        for fixture in fixtures:
            write(target, fixture, (FIXTURES / fixture).read_bytes())
    # The subtitle target's first byte picks the format: 0 SubRip, 1 WebVTT.
    write("doc_subtitles", "movie.srt", b"\x00" + (FIXTURES / "movie.srt").read_bytes())
    write("doc_subtitles", "talk.vtt", b"\x01" + (FIXTURES / "talk.vtt").read_bytes())

    # The office target's first byte picks: 0 docx, 1 pptx, 2 odt, 3 epub.
    docx = zip_of([
        ("[Content_Types].xml", '<?xml version="1.0"?><Types/>', False),
        ("word/document.xml", '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="w"><w:body>'
         '<w:p><w:r><w:t xml:space="preserve">Sales grew </w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>strongly</w:t></w:r>'
         '<w:r><w:t> this year &amp; last.</w:t></w:r></w:p><w:p><w:r><w:t>Second</w:t></w:r></w:p></w:body></w:document>', False),
        ("word/header1.xml", '<w:hdr xmlns:w="w"><w:p><w:r><w:t>Draft</w:t></w:r></w:p></w:hdr>', False),
    ])
    pptx = zip_of([
        ("ppt/slides/slide1.xml", '<p:sld xmlns:a="a" xmlns:p="p"><p:cSld><p:spTree><p:sp><p:txBody><a:p><a:r>'
         '<a:rPr lang="en-US" b="1"/><a:t>Quarterly results</a:t></a:r><a:r><a:t> are in.</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:sld>', False),
    ])
    odt = zip_of([
        ("mimetype", "application/vnd.oasis.opendocument.text", True),
        ("content.xml", '<office:document-content xmlns:office="o" xmlns:text="t"><office:body><office:text>'
         '<text:h>Title</text:h><text:p>It was a <text:span text:style-name="b">dark</text:span> night.</text:p>'
         '</office:text></office:body></office:document-content>', False),
    ])
    epub = zip_of([
        ("mimetype", "application/epub+zip", True),
        ("META-INF/container.xml", "<container/>", False),
        ("OEBPS/ch1.xhtml", '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en"><head><title>One</title></head>'
         '<body><p>First <em>page</em>.</p><img src="a.png" alt="A map"/></body></html>', False),
        ("OEBPS/content.opf", "<package><metadata><dc:title>Night</dc:title><dc:language>en</dc:language></metadata></package>", False),
    ])
    for pick, (name, data) in enumerate([("a.docx", docx), ("a.pptx", pptx), ("a.odt", odt), ("a.epub", epub)]):
        write("doc_office", name, bytes([pick]) + data)


if __name__ == "__main__":
    main()
