"""Descriptions: the fast renderer (markdown-it-pyrs) gives byte for byte the reference's HTML
(markdown-it-py with the site's rules), and hostile input is refused the same way."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from stemx.site.markdown import render_fast, render_markdown, render_reference
from tests.conftest import ROOT

HOSTILE = [
    "<b>bold</b> and <script>alert(1)</script>",
    "<div>\n*x*\n</div>",
    "<!-- comment --> <?php echo 1; ?> x <span onclick='x'>y</span>",
    "![img](https://example.org/i.png)",
    '![img](https://example.org/i.png "t")',
    "[![img](https://example.org/i.png)](https://example.org)",
    "[js](javascript:alert(1))",
    "[js](<javascript:alert(1)>)",
    "[js](JAVASCRIPT:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD4=)",
    "[vb](vbscript:x)",
    "[relative](/relative)",
    "[relative](relative.html)",
    "[ref]\n\n[ref]: javascript:x",
    "[ref]\n\n[ref]: https://example.org",
    "<https://auto.example.org>",
    "<mailto:a@example.org>",
    "<a@example.org>",
    '[t](https://example.org "ti&tle")',
    "[t](https://example.org 'q\"uote')",
    "[x](https://example.org/ä b)",
    "[x](<https://example.org/a b>)",
    "[x](HTTPS://EXAMPLE.ORG)",
    "[x](mailto:a@example.org)",
    '`<a href="javascript:x">`',
    '    <a href="javascript:x">indented code</a>',
    "```html\n<b>\n```",
    "~~~js\nx\n~~~",
    "&amp; &copy; &#35; &#0; &nonsense;",
    "# h1\n## h2\n### h3\n#### h4\n##### h5\n###### h6",
    "Setext\n===\n\nSetext two\n---",
    "* a\n\n  b\n* c",
    "1) one\n2) two\n\n3. three\n4. four",
    "***strong em*** _em_ __strong__",
    "a  \nb\\\nc",
    "> quote\n> - list\n\n---",
    "line<br>break",
    "\u0000 null and \u2028 separator",
    "emoji 🎉 “quotes” — dashes",
]


def test_hostile_input_renders_as_the_reference_renders_it() -> None:
    for text in HOSTILE:
        assert str(render_markdown(text)) == render_reference(text), text


def test_raw_html_images_and_unsafe_links_never_reach_the_page() -> None:
    for text in HOSTILE:
        html = str(render_markdown(text))
        assert "<script" not in html and "<img" not in html and "<span" not in html and "<div" not in html
        assert 'href="javascript:' not in html.lower() and 'href="data:' not in html and 'href="/' not in html


def test_unsafe_links_fall_back_to_the_reference() -> None:
    assert render_fast("[relative](/relative)") is None
    assert render_fast("[x](https://example.org)") == (
        '<p><a href="https://example.org" rel="nofollow ugc noopener">x</a></p>\n'
    )


def _descriptions(folder: Path) -> list[str]:
    texts = []
    for path in sorted(folder.glob("*/*.yaml")):
        description = yaml.safe_load(path.read_text(encoding="utf-8")).get("description")
        if description:
            texts.append(description)
    return texts


def test_the_sample_content_renders_identically() -> None:
    texts = _descriptions(ROOT / "content")
    assert len(texts) > 80
    for text in texts:
        assert render_fast(text) == render_reference(text)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus") / "content"
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "generate.py"), "--employers", "300", "--opportunities", "1200",
         "--seed", "7", "--out", str(out)],
        check=True, capture_output=True,
    )  # fmt: skip
    return out


def test_a_generated_corpus_renders_identically(corpus: Path) -> None:
    texts = _descriptions(corpus)
    assert len(texts) >= 1200
    different = [text for text in texts if render_fast(text) != render_reference(text)]
    assert different == []
