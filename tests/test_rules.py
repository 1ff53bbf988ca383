"""The contact-detail warnings in published text: what they find, and that the fast patterns
find exactly what the plain ones they replace would."""

import re

import pytest
from hypothesis import given
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
