"""What ``decode_partials`` yields: the same updates at any chunking (each
update's value shows the stream up to its own event, even when one chunk
holds many events), values consistent with the arguments' text so far,
items as they close."""

import copy
import json
import random

import pytest

from recordings import body, recordings
from stream_checks import equal_but_half_scalars
from structream import JSONError
from structream.providers import StreamError, decode_events, decode_partials

# Recordings with tool calls or JSON text, a few per protocol.
CASES = [(p, f) for p, f in recordings() if f.stat().st_size < 60_000][::4]


def _updates(chunks, protocol, **kwargs):
    out = []
    try:
        for u in decode_partials(chunks, protocol=protocol, **kwargs):
            out.append((u.choice, u.index, u.call, u.name, u.id, copy.deepcopy(u.value), u.done, u.items))
    except (StreamError, JSONError) as e:
        out.append((type(e).__name__, str(e)))
    return out


@pytest.mark.parametrize("case", CASES, ids=lambda c: "/".join(c[1].parts[-3:]))
def test_the_same_updates_at_any_chunking(case):
    protocol, path = case
    data = body(path)
    whole = _updates([data], protocol)
    rng = random.Random(len(data))
    cuts, at = [], 0
    while at < len(data):
        step = rng.randint(1, 40)
        cuts.append(data[at : at + step])
        at += step
    assert _updates(cuts, protocol) == whole


def test_values_follow_the_arguments_text():
    """Each update's value is jiter's partial parse of the call's arguments
    so far (but for a half number or literal, which we hold back)."""
    checked = 0
    for protocol, path in recordings():
        data = body(path)
        texts, calls = {}, []
        try:
            for e in decode_events([data], protocol=protocol):
                if e["type"] == "tool_args_delta":
                    key = (e.get("choice", 0), e["index"])
                    texts[key] = texts.get(key, "") + e["json"]
                    calls.append((key, texts[key]))
        except StreamError:
            continue
        if not calls:
            continue
        try:
            updates = [
                ((u.choice, u.index), copy.deepcopy(u.value))
                for u in decode_partials([data], protocol=protocol, partial_mode="on")
                if u.call is not None and not u.done
            ]
        except JSONError:
            continue  # arguments that are not JSON (the error tests cover those)
        # Every update follows some delta of its call, in order.
        at = 0
        for key, value in updates:
            while not (calls[at][0] == key and equal_but_half_scalars(value, calls[at][1])):
                at += 1
                assert at < len(calls), (path, key, value)
            checked += 1
    assert checked > 100


def test_items_and_partial_mode():
    args = json.dumps({"users": [{"name": "Ann"}, {"name": "Bob"}]})
    events = [
        {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m",
         "choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "id": "call_1", "type": "function",
                                                            "function": {"name": "users", "arguments": ""}}]},
                      "finish_reason": None}]}
    ] + [
        {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m",
         "choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "function": {"arguments": args[i : i + 3]}}]},
                      "finish_reason": None}]}
        for i in range(0, len(args), 3)
    ] + [
        {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m",
         "choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]}
    ]
    data = b"".join(b"data: %s\n\n" % json.dumps(e).encode() for e in events) + b"data: [DONE]\n\n"
    updates, seen = [], []
    for u in decode_partials([data], protocol="openai-chat", items=["/users"], partial_mode="on"):
        updates.append(u)
        seen.append(copy.deepcopy(u.value))
    assert [item for u in updates for item in u.items] == [{"name": "Ann"}, {"name": "Bob"}]
    assert all(u.name == "users" and u.id == "call_1" and u.call == 0 for u in updates)
    assert [u.done for u in updates].count(True) == 1 and updates[-1].done
    assert updates[-1].value == json.loads(args)
    # partial_mode "on": a string shows once complete.
    assert {"users": [{"name": "A"}]} not in seen and {"users": [{"name": "Ann"}]} in seen
    # A call with no argument text ends as {}.
    no_args = [e for e in events if "arguments" not in json.dumps(e) or e is events[0]]
    data = b"".join(b"data: %s\n\n" % json.dumps(e).encode() for e in no_args) + b"data: [DONE]\n\n"
    [only] = list(decode_partials([data], protocol="openai-chat"))
    assert (only.value, only.done) == ({}, True)
