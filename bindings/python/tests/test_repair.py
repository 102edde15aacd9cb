"""PartialJSON(repair=...): almost-JSON repaired as it streams, each repair
reported, the same at every chunking; valid JSON read as without repair."""

import json

import pytest

from structream import REPAIR_KINDS, JSONError, PartialJSON

# (input, value, repair kinds in input order)
CASES = [
    ('{"quote": "she said "hi" to me"}', {"quote": 'she said "hi" to me'},
     ["unescaped-quote", "unescaped-quote"]),
    ("{'name': 'Ada'}", {"name": "Ada"}, ["single-quotes", "single-quotes"]),
    ('{name: "x", status: active}', {"name": "x", "status": "active"},
     ["unquoted-key", "unquoted-key", "unquoted-string"]),
    ("[1, 2,]", [1, 2], ["trailing-comma"]),
    ('{"a": 1 "b": 2}', {"a": 1, "b": 2}, ["missing-comma"]),
    ("[.5, +5, 007]", [0.5, 5, 7], ["number", "number", "number"]),
    ('{"ok": True, "none": None} // done', {"ok": True, "none": None},
     ["literal", "literal", "comment"]),
    ('{"a": [1, 2}', {"a": [1, 2]}, ["bracket"]),
    ('{"a": {"b": 1}}, "c": 2}', {"a": {"b": 1}, "c": 2}, ["premature-close"]),
    ("(1, 2)", [1, 2], ["tuple"]),
]


def parse(text, chunks, **options):
    data = text.encode()
    p = PartialJSON(**options)
    for i in range(0, len(data), chunks):
        p.feed(data[i:i + chunks])
    p.finish(strict=True)
    return p


@pytest.mark.parametrize("text, value, kinds", CASES)
def test_each_kind_is_repaired_and_reported(text, value, kinds):
    p = parse(text, len(text), repair=True)
    assert p.value == value
    assert [kind for kind, _ in p.repairs] == kinds
    offsets = [offset for _, offset in p.repairs]
    assert offsets == sorted(offsets) and all(0 <= o <= len(text.encode()) for o in offsets)
    with pytest.raises(JSONError):
        parse(text, len(text))  # none of them is JSON


@pytest.mark.parametrize("text, value, kinds", CASES)
def test_the_same_at_every_split(text, value, kinds):
    whole = parse(text, len(text), repair=True)
    data = text.encode()
    for cut in range(1, len(data)):
        p = PartialJSON(repair=True)
        p.feed(data[:cut])
        p.feed(data[cut:])
        p.finish(strict=True)
        assert (p.value, p.repairs) == (value, whole.repairs), cut
    assert parse(text, 1, repair=True).repairs == whole.repairs


def test_valid_json_reads_the_same_with_repair():
    docs = [
        '{"users": [{"name": "Jane", "age": 30.5, "tags": ["a", "b\\"c"]}], "n": null}',
        '[1, -2e3, true, false, null, "\\u00e9\\n", {"": []}]',
        '"just a string"',
    ]
    for doc in docs:
        for chunks in (1, 3, len(doc)):
            p = parse(doc, chunks, repair=True)
            assert p.value == json.loads(doc)
            assert p.repairs == []


def test_only_the_kinds_asked_for():
    p = parse("[1, 2,]", 7, repair=["trailing-comma"])
    assert p.value == [1, 2] and p.repairs == [("trailing-comma", 5)]
    with pytest.raises(JSONError) as e:
        parse("['x',]", 6, repair=["trailing-comma"])
    assert e.value.byte == 1


def test_non_finite_numbers():
    assert parse("[NaN, Infinity]", 15, repair=True).value == [None, None]
    assert parse("[NaN, -Infinity]", 16, repair=True, non_finite="string").value == ["NaN", "-Infinity"]
    with pytest.raises(JSONError):
        parse("[NaN]", 5, repair=True, non_finite="error")


def test_repairs_accumulate_over_feeds_and_finish():
    p = PartialJSON(repair=True)
    p.feed("{'a': 1,")
    assert p.repairs == [("single-quotes", 1)]
    p.feed(" b: 2}")
    assert p.finish() is True
    assert p.value == {"a": 1, "b": 2}
    assert [kind for kind, _ in p.repairs] == ["single-quotes", "unquoted-key"]


def test_options_are_checked():
    assert "trailing-comma" in REPAIR_KINDS and len(REPAIR_KINDS) == len(set(REPAIR_KINDS))
    for kind in REPAIR_KINDS:
        PartialJSON(repair=[kind])
    with pytest.raises(ValueError, match='unknown repair kind "commas".*trailing-comma'):
        PartialJSON(repair=["commas"])
    with pytest.raises(TypeError):
        PartialJSON(repair="trailing-comma")
    with pytest.raises(ValueError, match="non_finite"):
        PartialJSON(repair=True, non_finite="zero")
    assert PartialJSON(repair=False).repairs == []
    with pytest.raises(JSONError):
        parse("[1,]", 4, repair=False)
