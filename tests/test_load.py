"""Strict YAML loading: YAML 1.1 surprises, hostile constructs and limits."""

import pytest

from stemx.load import MAX_FILE_BYTES, LoadError, parse


def error(raw: bytes) -> tuple[int, int, str]:
    with pytest.raises(LoadError) as e:
        parse(raw)
    return e.value.line, e.value.column, e.value.message


def test_only_yaml_12_core_values_are_typed() -> None:
    data = parse(b"a: no\nb: on\nc: 1:30\nd: 2024-01-01\ne: 3\nf: 2.5\ng: true\nh: ~\ni: 0o17\nj: Yes\n").data
    assert data == {
        "a": "no",
        "b": "on",
        "c": "1:30",
        "d": "2024-01-01",
        "e": 3,
        "f": 2.5,
        "g": True,
        "h": None,
        "i": "0o17",
        "j": "Yes",
    }


def test_duplicate_keys_are_errors() -> None:
    assert error(b"id: a\nname: b\nid: c\n") == (3, 1, "'id' is given twice (first on line 1); keep one of them")


def test_billion_laughs_is_refused_without_expanding() -> None:
    lol = b'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefgh"[i]
        lol += f"{name}: &{name} [{','.join(['*' + prev] * 9)}]\n".encode()
    line, _, message = error(lol)
    assert "aliases" in message and line == 1


def test_python_tags_are_refused() -> None:
    assert "tags" in error(b"a: !!python/object/apply:os.system ['echo hi']\n")[2]


def test_explicit_timestamp_tag_is_refused() -> None:
    assert "tags" in error(b"a: !!timestamp 2024-01-01\n")[2]


def test_tabs_in_indentation_point_at_the_line() -> None:
    assert error(b"a:\n  b: 1\n\tc: 2\n") == (3, 1, "indent with spaces, not tabs")


def test_non_utf8_names_the_byte() -> None:
    assert error(b"id: a\nname: caf\xe9\n") == (2, 10, "the file is not UTF-8 text (byte 0xe9); save it as UTF-8")


def test_byte_order_mark_is_accepted() -> None:
    assert parse(b"\xef\xbb\xbfid: a\n").data == {"id": "a"}


def test_oversized_file_is_refused_before_parsing() -> None:
    assert "limit" in error(b"a: " + b"x" * MAX_FILE_BYTES)[2]


def test_deep_nesting_is_refused() -> None:
    assert "nested" in error(b"a: " + b"[" * 5000 + b"]" * 5000)[2]


def test_control_characters_are_refused() -> None:
    assert error(b"a: ok\nb: x\x07\n") == (2, 5, "control character U+0007 is not allowed")


def test_top_level_must_be_a_mapping() -> None:
    assert "field: value" in error(b"- a\n- b\n")[2]
    assert error(b"# only a comment\n")[2] == "the file is empty"


def test_positions_point_at_values_keys_and_parents() -> None:
    doc = parse(b"id: a\nlocations:\n  - name: x\n    postcode: m1\n")
    assert doc.position(["locations", 0, "postcode"]) == (4, 15)
    assert doc.position(["locations", 0, "postcode"], key=True) == (4, 5)
    assert doc.position(["locations", 0, "region"]) == (3, 5)  # missing: its parent


def test_position_inside_a_block_scalar() -> None:
    doc = parse(b"description: |\n  first line\n  second has X here\n")
    text = doc.data["description"]
    assert doc.position_in(["description"], text, text.index("X")) == (4 - 1, 14)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the quote opened on line 3 is reported there, not at the end of the file
        (
            b'id: a\nname: x\nsummary: "hello there\nwebsite: https://x.org\nsector: rail\n',
            (3, 10, 'the quote (") that opens here is never closed: add a closing " at the end of the text'),
        ),
        (
            b"id: a\ncontact:\n  team: t\n   email: e@x.org\n",
            (4, 4, "line 4 is indented differently from the lines around it (its field starts after 3 spaces, "
             "on line 3 after 2 spaces); fields of the same group start at the same column"),
        ),
        (
            b"id: a\ncontact:\n  team: t\n publish: true\n",
            (4, 2, "line 4 is indented differently from the lines around it (its field starts after 1 space, "
             "on line 3 after 2 spaces); fields of the same group start at the same column"),
        ),
        (b"id: a\nname x\nsummary: hi\n", (2, 1, "line 2 has no colon: add a colon after the field name, as in 'name: ...'")),
        (
            b"id: a\ncontact:\n  team t\n  publish: true\n",
            (3, 3, "line 3 has no colon: add a colon after the field name, as in 'team: ...'"),
        ),
        (
            b"id: a\ntitle: Visit: the lab\n",
            (2, 8, "the text of 'title' contains ': ', which YAML reads as a new field; put the whole text in quotes, "
             'as in title: "..."'),
        ),
        (b"id: a\nname: @home\n", (2, 7, "a value cannot start with '@'; put the whole text in quotes")),
        # Lines ended by a lone carriage return (old Mac editors), as YAML counts them.
        (b"id: a\rname x\rsummary: hi\r", (2, 1, "line 2 has no colon: add a colon after the field name, as in 'name: ...'")),
        (b"0:\r0", (2, 1, "line 2 has no colon: add a colon after the field name, as in '0: ...'")),
    ],
)  # fmt: skip
def test_yaml_mistakes_in_plain_words_at_the_line_to_change(text: bytes, expected: tuple[int, int, str]) -> None:
    assert error(text) == expected
