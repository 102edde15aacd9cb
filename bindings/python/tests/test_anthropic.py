"""``structream.anthropic.partials`` over anthropic-python's real stream
classes, fed recorded Messages streams through a loopback server."""

import asyncio
import copy
import json
from pathlib import Path

import anthropic
import pytest

from conftest import CORPORA
from sse_server import serve, sse_data
from stream_checks import AsyncTap, Tap, equal_but_half_scalars
from structream.anthropic import BlockPartial, partials

FILES = sorted((CORPORA / "sse" / "anthropic").glob("*/*.sse"))
MESSAGES = [{"role": "user", "content": "hi"}]
INPUT_BLOCKS = ("tool_use", "server_tool_use", "mcp_tool_use")


def _id(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


class Reference:
    """Each tool-use block's input text, read from the recording without the SDK."""

    def __init__(self, body: bytes):
        self.events = []
        self.invalid = False
        for data in sse_data(body):
            try:
                event = json.loads(data)
            except ValueError:
                self.invalid = True
                continue
            if event.get("type") == "error":
                self.invalid = True
            self.events.append(event)

    def blocks(self, upto=None):
        """{index: (type, name, input text)} after `upto` events."""
        blocks = {}
        for event in self.events[:upto]:
            if event.get("type") == "content_block_start":
                block = event["content_block"]
                if block.get("type") in INPUT_BLOCKS:
                    blocks[event["index"]] = [block["type"], block.get("name"), ""]
            elif event.get("type") == "content_block_delta" and event["index"] in blocks:
                delta = event["delta"]
                if delta.get("type") == "input_json_delta":
                    blocks[event["index"]][2] += delta.get("partial_json") or ""
        return blocks


def _plan(path):
    ref = Reference(path.read_bytes())
    if ref.invalid:
        pytest.skip("an event is not JSON or is an error: the SDK itself raises on it")
    return ref


def _check(updates, tap, ref):
    """`updates`: (update, events read when it came, copy of its value then);
    the texts so far are read from the events the SDK gave (the SDK leaves
    some events out, such as unknown types)."""
    final = {}
    seen = Reference(b"")
    for update, read, value in updates:
        assert isinstance(update, BlockPartial)
        seen.events = [e.model_dump() for e in tap.items[:read]]
        kind, name, text = seen.blocks()[update.index]
        assert (update.type, update.name) == (kind, name)
        if update.done:
            final[update.index] = update
        else:
            assert equal_but_half_scalars(value, text), (update.index, text, value)
    blocks = ref.blocks()
    assert set(final) == set(blocks)
    for index, update in final.items():
        text = blocks[index][2]
        try:
            expected = json.loads(text) if text else {}
        except ValueError:
            # Cut off (max_tokens): the partial value, not complete.
            assert not update.complete
            assert equal_but_half_scalars(update.value, text), (index, text)
            continue
        assert update.complete and update.value == expected, (index, text)


def _client(server, asynchronous=False):
    cls = anthropic.AsyncAnthropic if asynchronous else anthropic.Anthropic
    return cls(base_url=server.url, api_key="test", max_retries=0)


@pytest.mark.parametrize("path", FILES, ids=_id)
def test_create_stream(path):
    ref = _plan(path)
    with serve(path.read_bytes()) as server:
        stream = _client(server).messages.create(
            model="claude-sonnet-4-5", max_tokens=100, messages=MESSAGES, stream=True
        )
        assert isinstance(stream, anthropic.Stream)
        tap = Tap(stream)
        got = [(u, tap.read, copy.deepcopy(u.value)) for u in partials(tap)]
        assert server.requests[0][0] == "/v1/messages"
    _check(got, tap, ref)


@pytest.mark.parametrize("path", FILES, ids=_id)
def test_async_create_stream(path):
    ref = _plan(path)

    async def run():
        with serve(path.read_bytes(), write_size=13) as server:
            client = _client(server, asynchronous=True)
            stream = await client.messages.create(
                model="claude-sonnet-4-5", max_tokens=100, messages=MESSAGES, stream=True
            )
            assert isinstance(stream, anthropic.AsyncStream)
            tap = AsyncTap(stream)
            out = [(u, tap.read, copy.deepcopy(u.value)) async for u in partials(tap)]
            await client.close()
            return out, tap

    _check(*asyncio.run(run()), ref=ref)


@pytest.mark.parametrize("path", FILES, ids=_id)
def test_message_stream_helper(path):
    """The stream of `messages.stream()` gives the same final inputs as the
    SDK's own message snapshot."""
    ref = _plan(path)
    with serve(path.read_bytes()) as server:
        try:
            with _client(server).messages.stream(
                model="claude-sonnet-4-5", max_tokens=100, messages=MESSAGES
            ) as stream:
                done = {u.index: u for u in partials(stream) if u.done}
                message = stream.get_final_message()
        except anthropic.AnthropicError as e:
            pytest.skip(f"messages.stream() rejects this recording: {e}")
    # The SDK tracks the input of these two block types only.
    tracked = ("tool_use", "server_tool_use")
    sdk = {
        i: block.input
        for i, block in enumerate(message.content)
        if getattr(block, "type", None) in tracked
    }
    assert {i: u.value for i, u in done.items() if u.type in tracked} == sdk
    assert set(done) == set(ref.blocks())


def test_tool_use_input_and_names():
    path = CORPORA / "sse/anthropic/anthropic-sdk-python/tool_use_response.sse"
    with serve(path.read_bytes()) as server:
        stream = _client(server).messages.create(
            model="claude-sonnet-4-5", max_tokens=100, messages=MESSAGES, stream=True
        )
        updates = list(partials(stream))
    assert [(u.index, u.name, u.done) for u in updates][-1] == (1, "get_weather", True)
    assert updates[-1].value == {"location": "Paris"}
    assert updates[-1].id == "toolu_01NRLabsLyVHZPKxbKvkfSMn"


def test_text_blocks_as_json():
    body = (
        b'event: message_start\ndata: {"type":"message_start","message":{"id":"m","type":"message","role":"assistant",'
        b'"model":"x","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":1,"output_tokens":1}}}\n\n'
        b'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n'
        b'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Here: {\\"a\\": [1, \\"x"}}\n\n'
        b'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"y\\"]} done"}}\n\n'
        b'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n'
        b'event: message_stop\ndata: {"type":"message_stop"}\n\n'
    )
    with serve(body) as server:
        stream = _client(server).messages.create(
            model="claude-sonnet-4-5", max_tokens=100, messages=MESSAGES, stream=True
        )
        values = [(copy.deepcopy(u.value), u.done) for u in partials(stream, text=True, lenient=True, partial_mode="trailing-strings")]
    assert values == [({"a": [1, "x"]}, False), ({"a": [1, "xy"]}, False), ({"a": [1, "xy"]}, True)]
