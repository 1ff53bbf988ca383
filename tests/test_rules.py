"""The contact-detail warnings in published text and the checks on every text: what they find,
and that the fast ways find exactly what the plain ones they replace would."""

import re

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from stemx import rules
from stemx.load import parse

# The phone pattern as first written: a leading look-behind, tried at every character.
PLAIN_PHONE = re.compile(r"(?<![\w+])(?:\+44\s?|0)(?:\d[\s-]?){9,10}(?!\d)")


def _found(description: str) -> list[str]:
    doc = parse(f"title: Lab visit\ndescription: |\n  {description}\n".encode())
    return [p.message for p in rules.warnings(doc, "x.yaml")]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Call 0117 496 0999 to book.", "0117 496 0999"),
        ("Call +44 117 496 0999 to book.", "+44 117 496 0999"),
        ("Call +441174960999.", "+441174960999"),
        ("0117-496-0999 at the start", "0117-496-0999"),
    ],
)
def test_a_phone_number_in_text_is_named(text: str, value: str) -> None:
    assert _found(text) == [rules.PHONE_IN_TEXT.format(value=value)]


@pytest.mark.parametrize(
    "text",
    [
        "Reference AB01174960999 is not a number to call.",  # inside a word
        "Order ++441174960999 twice.",  # a plus before the plus
        "Serial 011749609991234 is too long.",
        "Only 0117 496 09 digits.",
        "Email education@example.org or visit.",  # a role address
    ],
)
def test_no_warning_where_none_is_due(text: str) -> None:
    assert _found(text) == []


def test_a_personal_address_in_text_is_named() -> None:
    assert _found("Write to jane.doe@example.org.") == [rules.PERSONAL_EMAIL.format(value="jane.doe@example.org")]


@given(st.text(alphabet="0123456789+ -a4_\n", max_size=40))
def test_the_phone_pattern_finds_what_the_plain_one_does(text: str) -> None:
    assert [(m.span(), m.group()) for m in rules._PHONE.finditer(text)] == [
        (m.span(), m.group()) for m in PLAIN_PHONE.finditer(text)
    ]


@given(st.one_of(st.text(alphabet="123456789 -a4_", max_size=40), st.text(alphabet="0123456789+ -a4_", max_size=40)))
@example("Call +44 117 496 1999")  # a number without a 0
def test_text_is_searched_for_phone_numbers_as_the_plain_pattern_would(text: str) -> None:
    # warnings() skips the search in text without a "0" or a "+": drawn as often as text with them.
    text = text.strip()
    assume(text)
    expected = [rules.PHONE_IN_TEXT.format(value=m.group().strip()) for m in PLAIN_PHONE.finditer(text)]
    assert _found(text) == expected


# The text checks as first written: each character class searched for in each value.
def _plain_text_checks(texts: list[tuple[rules.Path, str]]) -> list[tuple[rules.Path, str]]:
    found = []
    for path, text in texts:
        if rules._HIDDEN.search(text):
            found.append((path, "hidden"))
        elif rules._CONTROL.search(text):
            found.append((path, "control"))
        elif rules._LINE_BREAK.search(text) and rules._field(path) not in rules._MULTILINE:
            found.append((path, "one line"))
    return found


def _kind(message: str) -> str:
    return "hidden" if "invisible" in message else "control" if "control" in message else "one line"


_ASCII = "ab \n\r\t\x07"


# All-ASCII entries (most of them) take a shorter path: drawn as often as the rest.
@given(
    st.one_of(
        st.lists(st.text(alphabet=_ASCII, max_size=8), min_size=1, max_size=4),
        st.lists(st.text(alphabet=_ASCII + "\x85\u00e9\u200b\u2028\u2029", max_size=8), min_size=1, max_size=4),
    )
)
def test_the_text_checks_find_what_a_search_per_value_finds(values: list[str]) -> None:
    # One-line fields and prose fields alike, as `strings` gives them.
    texts: list[tuple[rules.Path, str]] = [(("title",), values[0])]
    texts += [(("description",) if i % 2 else ("location", "name"), v) for i, v in enumerate(values[1:])]
    doc = parse(b"title: x\n")
    found = [(p.field, _kind(p.message)) for p in rules.check_text(doc, "x.yaml", texts)]
    assert found == [(rules.field_name(path), kind) for path, kind in _plain_text_checks(texts)]
