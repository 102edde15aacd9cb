"""The PartialJSON API: modes, items, node states, deltas, the live value
and its snapshots, input types, finishing."""

import copy
import json

import pytest

from structream import JSONError, PartialJSON

DOC = b'{"users": [{"name": "Jane", "age": 30, "tags": ["a", "b"]}, {"name": "Bob", "age": 4}], "n": 2}'


def test_example_of_the_docs():
    p = PartialJSON(partial_mode="trailing-strings", items=["/users"], lenient=False)
    assert p.value is None and p.json() is None
    assert p.feed(b'{"users": [{"name": "Ja') is True
    assert p.value == {"users": [{"name": "Ja"}]}
    assert p.items == []
    assert p.state("/users/0") == "incomplete"
    assert p.state("/users/0/name") == "incomplete"
    assert p.state("/users/1") is None
    assert p.json() == '{"users":[{"name":"Ja"}]}'
    assert p.feed('ne", "age": 3') is True
    assert p.value == {"users": [{"name": "Jane"}]}  # 3 may become 30
    assert p.feed(b"0} ") is True
    assert p.items == [{"name": "Jane", "age": 30}]
    assert p.closed_items == [("/users", 0, {"name": "Jane", "age": 30})]
    assert p.state("/users/0") == "complete"
    assert p.feed(b"  ") is False
    assert p.items == []
    assert p.feed(b"]}") is False  # closing brackets show nothing new
    assert p.finish() is True
    assert p.complete


@pytest.mark.parametrize(
    "mode, shown",
    [
        ("trailing-strings", {"a": [1, "xy"]}),
        (True, {"a": [1]}),
        ("on", {"a": [1]}),
        (False, None),
        ("off", None),
    ],
)
def test_partial_modes(mode, shown):
    p = PartialJSON(partial_mode=mode)
    p.feed(b'{"a": [1, "xy')
    assert p.value == shown
    p.feed(b'z"]}')
    assert p.value == {"a": [1, "xyz"]}
    assert p.finish()


def test_partial_mode_is_checked():
    with pytest.raises(ValueError, match="partial_mode"):
        PartialJSON(partial_mode="maybe")
    with pytest.raises(ValueError, match="JSON Pointer"):
        PartialJSON(items=["users"])
    assert PartialJSON().partial_mode == "trailing-strings"
    assert PartialJSON(partial_mode=True).partial_mode == "on"


def test_numbers_and_literals_only_when_complete():
    p = PartialJSON()
    p.feed(b"[3")
    assert p.value == []
    p.feed(b"0, tr")
    assert p.value == [30]
    p.feed(b"ue, 1.5e")
    assert p.value == [30, True]
    p.feed(b"3]")
    assert p.value == [30, True, 1500.0]
    p = PartialJSON()
    p.feed(b"12")
    assert p.value is None
    assert p.finish() is True
    assert p.value == 12


def test_types_are_json_loads_types():
    text = b'{"i": -12, "big": 123456789012345678901234567890, "f": 1.0, "e": 1e400, "n": null, "t": true, "s": "\\u00e9\\ud83d\\ude00"}'
    p = PartialJSON()
    for i in range(len(text)):
        p.feed(text[i : i + 1])
    assert p.finish()
    expected = json.loads(text)
    assert p.value == expected
    assert [type(v) for v in p.value.values()] == [type(v) for v in expected.values()]


def test_items_are_the_values_objects_built_once():
    p = PartialJSON(items=["/users"])
    seen = []
    for i in range(len(DOC)):
        p.feed(DOC[i : i + 1])
        seen.extend(p.items)
    assert seen == json.loads(DOC)["users"]
    # The same objects as in the value: built once, never copied.
    assert all(a is b for a, b in zip(seen, p.value["users"]))


def test_items_with_wildcards_and_nested_arrays():
    p = PartialJSON(items=["/users/*/tags"])
    got = []
    for i in range(len(DOC)):
        p.feed(DOC[i : i + 1])
        got.extend(p.closed_items)
    assert got == [("/users/0/tags", 0, "a"), ("/users/0/tags", 1, "b")]


def test_items_in_off_mode_come_from_their_text():
    p = PartialJSON(partial_mode="off", items=["/users"])
    got = []
    for i in range(len(DOC)):
        p.feed(DOC[i : i + 1])
        got.extend(p.items)
        if i + 1 < len(DOC):
            assert p.value is None
    assert got == json.loads(DOC)["users"]
    assert p.value == json.loads(DOC)


def test_node_states():
    p = PartialJSON(partial_mode="on")
    assert p.state("") == "pending"
    p.feed(b'{"a": {"b": "x')
    assert p.state("") == "incomplete"
    assert p.state("/a") == "incomplete"
    assert p.state("/a/b") == "pending"  # strings show once closed in "on" mode
    assert p.state("/zz") is None
    p.feed(b'"}, "c": [1, 2')
    assert p.state("/a") == "complete"
    assert p.state("/a/b") == "complete"
    assert p.state("/c/0") == "complete"
    assert p.state("/c/1") is None  # 2 may be 20
    assert p.state("/c/5") is None
    with pytest.raises(ValueError, match="JSON Pointer"):
        p.state("a")


def test_pointer_escapes():
    p = PartialJSON()
    p.feed(b'{"a/b": {"c~d": [1, {"": "x')
    assert p.value == {"a/b": {"c~d": [1, {"": "x"}]}}
    assert p.state("/a~1b/c~0d/1/") == "incomplete"
    p.feed(b'y"}], "e": 1}}')
    assert p.value == {"a/b": {"c~d": [1, {"": "xy"}], "e": 1}}


def test_value_is_live_and_snapshots_stay():
    p = PartialJSON(items=["/users"])
    p.feed(DOC[:30])
    live = p.value
    snap = p.snapshot()
    before = copy.deepcopy(snap)
    assert snap == live
    p.feed(DOC[30:])
    assert p.finish()
    # The live object is the same object, now complete ...
    assert p.value is live
    assert live == json.loads(DOC)
    # ... the snapshot kept what it was, and it is valid JSON.
    assert snap == before
    assert json.loads(json.dumps(snap)) == snap


def test_snapshots_share_completed_subtrees():
    p = PartialJSON()
    p.feed(DOC[:75])
    first = p.value["users"][0]
    snap = p.snapshot()
    assert snap["users"][0] is first
    assert snap is not p.value and snap["users"] is not p.value["users"]


def test_every_snapshot_kept_equals_jsonloads_of_the_json_text():
    p = PartialJSON()
    kept = []
    for i in range(len(DOC)):
        if p.feed(DOC[i : i + 1]):
            kept.append((p.snapshot(), p.json()))
    for snap, text in kept:
        assert snap == json.loads(text)


def test_growing_string_is_a_new_str_each_read():
    p = PartialJSON()
    p.feed(b'["ab')
    assert p.value == ["ab"]
    p.feed(b"cd")
    assert p.value == ["abcd"]
    p.feed(b'\\n"')
    assert p.value == ["abcd\n"]


def test_deltas_replay_to_the_value():
    p = PartialJSON(deltas=True)
    replay = None
    for i in range(len(DOC)):
        p.feed(DOC[i : i + 1])
        for op, path, value in p.deltas:
            replay = _apply(replay, op, path, copy.deepcopy(value))
        assert replay == p.value
    assert p.finish()


def _apply(root, op, path, value):
    if path == "":
        return value if op != "append" else root + value
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in path[1:].split("/")]
    node = root
    for t in tokens[:-1]:
        node = node[int(t)] if isinstance(node, list) else node[t]
    last = tokens[-1]
    if isinstance(node, list):
        last = int(last)
        if op == "append":
            node[last] += value
        elif op == "add" and last == len(node):
            node.append(value)
        else:
            node[last] = value
    else:
        node[last] = node[last] + value if op == "append" else value
    return root


def test_deltas_need_asking():
    with pytest.raises(ValueError, match="deltas=True"):
        PartialJSON().deltas


def test_repeated_keys_like_json_loads():
    text = b'{"a": 1, "b": [2], "a": {"c": "x"}, "b": 3}'
    p = PartialJSON()
    for i in range(len(text)):
        p.feed(text[i : i + 1])
    assert p.finish()
    assert p.value == json.loads(text)
    assert list(p.value) == list(json.loads(text))


def test_input_types():
    for chunks in ([b'{"a"', b": 1}"], ['{"a"', ": 1}"], [bytearray(b'{"a": 1}')]):
        p = PartialJSON()
        for c in chunks:
            p.feed(c)
        assert p.finish() and p.value == {"a": 1}
    with pytest.raises(TypeError, match="bytes, bytearray or str"):
        PartialJSON().feed(12)


def test_unicode_split_inside_characters():
    text = '{"k": "é😀ü"}'.encode()
    p = PartialJSON()
    for i in range(len(text)):
        p.feed(text[i : i + 1])
        if p.value:
            assert p.value["k"] in "é😀ü"
    assert p.finish() and p.value == {"k": "é😀ü"}


def test_lenient_finds_the_value_in_prose():
    text = 'Sure! Here it is:\n```json\n{"a": [1, "b"]}\n```\nAnything else?'
    p = PartialJSON(lenient=True)
    for ch in text:
        p.feed(ch)
    assert p.finish() is True
    assert p.value == {"a": [1, "b"]}
    with pytest.raises(JSONError):
        PartialJSON().feed(text)


def test_finish_incomplete():
    p = PartialJSON()
    p.feed(b'{"a": [1, "x')
    assert p.finish() is False
    assert p.value == {"a": [1, "x"]}
    assert p.finish() is False
    with pytest.raises(ValueError, match="after finish"):
        p.feed(b"]")
    p = PartialJSON()
    p.feed(b'{"a": [1, "x')
    with pytest.raises(JSONError) as e:
        p.finish(strict=True)
    assert str(e.value) == "EOF while parsing a string at line 1 column 13 (byte 12)"
    assert PartialJSON().finish() is False


def test_errors_carry_positions_and_stick():
    p = PartialJSON()
    p.feed(b'{"a": [1,\n')
    with pytest.raises(JSONError) as e:
        p.feed(b"  2 3]}")
    err = e.value
    assert isinstance(err, ValueError)
    assert str(err) == "expected `,` or `]` at line 2 column 5 (byte 14)"
    assert (err.byte, err.line, err.column) == (14, 2, 5)
    # The value keeps what showed before the error ...
    assert p.value == {"a": [1]}
    # ... and the parser refuses more input with the same error.
    for call in (lambda: p.feed(b"]"), p.finish):
        with pytest.raises(JSONError) as again:
            call()
        assert str(again.value) == str(err) and again.value.byte == 14


def test_limits_are_errors_not_crashes():
    p = PartialJSON()
    with pytest.raises(JSONError, match="recursion limit"):
        p.feed(b"[" * 100_000)
    p = PartialJSON()
    with pytest.raises(JSONError, match="number longer"):
        p.feed(b"[" + b"1" * 10_000)


def test_repr():
    assert repr(PartialJSON()) == 'PartialJSON(partial_mode="trailing-strings", offset=0, complete=False)'


def test_cycles_through_the_value_are_collected():
    import gc
    import weakref

    class Holder:
        pass

    p = PartialJSON()
    p.feed(b'{"a": [1, ')
    holder = Holder()
    holder.parser = p
    p.value["a"].append(holder)  # a cycle: parser -> value -> holder -> parser
    alive = weakref.ref(holder)
    del p, holder
    gc.collect()
    assert alive() is None
