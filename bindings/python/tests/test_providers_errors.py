"""Failures of ``decode_partials`` / ``decode_events``: each raises after
the updates that came before it, with what the provider or the stream
said."""

import asyncio
import copy
import json

import pytest

from conftest import CORPORA
from structream import JSONError
from structream.providers import (
    ProviderError,
    StreamDecodeError,
    StreamError,
    decode_events,
    decode_partials,
    decode_partials_async,
)


def _sse(*events):
    return b"".join(b"event: %s\ndata: %s\n\n" % (name.encode(), json.dumps(data).encode()) for name, data in events)


START = (
    "message_start",
    {
        "type": "message_start",
        "message": {"id": "m", "type": "message", "role": "assistant", "model": "x", "content": [],
                    "stop_reason": None, "stop_sequence": None, "usage": {"input_tokens": 1, "output_tokens": 1}},
    },
)
TOOL = ("content_block_start", {"type": "content_block_start", "index": 0,
                                "content_block": {"type": "tool_use", "id": "toolu_1", "name": "f", "input": {}}})


def _args(text):
    return ("content_block_delta", {"type": "content_block_delta", "index": 0,
                                    "delta": {"type": "input_json_delta", "partial_json": text}})


def _run(chunks, protocol="anthropic"):
    """(copies of the values yielded, the exception raised)."""
    values = []
    with pytest.raises(StreamError if protocol else Exception) as raised:
        for u in decode_partials(chunks, protocol=protocol):
            values.append(copy.deepcopy(u.value))
    return values, raised.value


def test_a_provider_error_event_raises_after_the_partials():
    body = _sse(START, TOOL, _args('{"city": "Pa'), _args('ris", "n": 1'),
                ("error", {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}))
    for size in (1, 7, len(body)):
        values, error = _run([body[i : i + size] for i in range(0, len(body), size)])
        assert values[-1] == {"city": "Paris"}
        assert isinstance(error, ProviderError)
        assert (error.message, error.kind, error.code, error.status) == ("Overloaded", "overloaded_error", None, None)
        assert "Overloaded" in str(error)


def test_an_openai_error_frame_carries_its_code():
    chunk = {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m",
             "choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "id": "call_1", "type": "function",
                                                               "function": {"name": "f", "arguments": "{\"a\": [1, 2"}}]},
                          "finish_reason": None}]}
    error = {"error": {"message": "Rate limit reached", "type": "requests", "code": "rate_limit_exceeded"}}
    body = b"data: %s\n\ndata: %s\n\n" % (json.dumps(chunk).encode(), json.dumps(error).encode())
    values, raised = _run([body], protocol="openai-chat")
    assert values == [{"a": [1]}]
    assert isinstance(raised, ProviderError)
    assert (raised.message, raised.code) == ("Rate limit reached", "rate_limit_exceeded")
    # decode_events yields the error event, then raises it once the stream ends.
    events = []
    with pytest.raises(ProviderError):
        for e in decode_events([body], protocol="openai-chat"):
            events.append(e)
    errors = [e for e in events if e["type"] == "error"]
    assert errors == [{"type": "error", "message": "Rate limit reached", "kind": "requests", "code": "rate_limit_exceeded"}]


def test_a_cut_stream_raises_after_the_partials_at_every_cut():
    path = CORPORA / "sse/anthropic/anthropic-sdk-python/tool_use_response.sse"
    body = path.read_bytes() + b"\n\n"  # recorded without its last line end
    whole = [copy.deepcopy(u.value) for u in decode_partials([body], protocol="anthropic")]
    end = body.rindex(b"content_block_stop")
    cuts = 0
    for at in range(body.index(b"input_json_delta"), end, 3):
        values = []
        with pytest.raises(StreamDecodeError) as raised:
            for u in decode_partials([body[:at]], protocol="anthropic"):
                values.append(copy.deepcopy(u.value))
        assert raised.value.eof
        # What came before the cut, as the whole stream showed it.
        assert values == whole[: len(values)]
        cuts += 1
    assert cuts > 10


def test_async_twin_raises_the_same():
    body = _sse(START, TOOL, _args('{"city": "Pa'),
                ("error", {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}))

    async def chunks():
        for i in range(0, len(body), 5):
            yield body[i : i + 5]

    async def run():
        values = []
        with pytest.raises(ProviderError) as raised:
            async for u in decode_partials_async(chunks(), protocol="anthropic"):
                values.append(copy.deepcopy(u.value))
        return values, raised.value

    values, error = asyncio.run(run())
    assert values == [{"city": "Pa"}] and error.message == "Overloaded"


def test_invalid_arguments_raise_a_labelled_json_error_after_the_partials():
    body = _sse(START, TOOL, _args('{"a": 1, '), _args('"b": tru}'))
    values = []
    with pytest.raises(JSONError) as raised:
        for u in decode_partials([body], protocol="anthropic"):
            values.append(copy.deepcopy(u.value))
    assert values == [{"a": 1}]
    assert str(raised.value).startswith("tool call 0: ")
    assert raised.value.byte == 17


def test_arguments_cut_at_the_calls_end_raise():
    stop = ("content_block_stop", {"type": "content_block_stop", "index": 0})
    body = _sse(START, TOOL, _args('{"a": [1, 2'), stop)
    with pytest.raises(JSONError, match="tool call 0: EOF while parsing"):
        list(decode_partials([body], protocol="anthropic"))


def test_not_a_stream_of_the_protocol():
    with pytest.raises(StreamDecodeError, match="stream ended before the provider's end of stream"):
        list(decode_partials([b"<html>Bad gateway</html>\n\n"], protocol="openai-chat"))


def test_an_error_body_instead_of_a_stream():
    body = b'{"error": {"message": "Invalid API key", "type": "invalid_request_error", "code": "invalid_api_key"}}'
    with pytest.raises(ProviderError) as raised:
        list(decode_partials([body[:9], body[9:]], protocol="openai-chat"))
    assert (raised.value.message, raised.value.code) == ("Invalid API key", "invalid_api_key")


def test_arguments():
    with pytest.raises(ValueError, match='unknown protocol "openai"' ):
        decode_events([], protocol="openai")
    with pytest.raises(TypeError, match="bytes, bytearray or str, not int"):
        list(decode_events([1], protocol="anthropic"))
    with pytest.raises(ValueError, match="partial_mode"):
        decode_partials([], protocol="anthropic", partial_mode="sometimes")
