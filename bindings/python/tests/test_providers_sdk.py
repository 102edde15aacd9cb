"""``decode_partials`` over the response bytes of openai-python's and
anthropic-python's real clients (``with_streaming_response``, pointed at a
loopback server by ``base_url``): the final values equal what the SDKs' own
accumulators make of the same recording (``parsed_arguments`` of
``chat.completions.stream()``, the tool ``input`` of ``messages.stream()``),
sync and async."""

import asyncio
import json

import anthropic
import openai
import pytest

from conftest import CORPORA
from sse_server import serve
from structream import JSONError
from structream.providers import (
    PartialUpdate,
    ProviderError,
    StreamDecodeError,
    decode_events,
    decode_partials,
    decode_partials_async,
)

MESSAGES = [{"role": "user", "content": "hi"}]
OPENAI = sorted(
    f for f in (CORPORA / "sse").glob("openai-*/*/*.sse") if f.parent.parent.name in ("openai-chat", "openai-compatible")
)
ANTHROPIC = sorted((CORPORA / "sse" / "anthropic").glob("*/*.sse"))
FAILURES = (JSONError, ProviderError, StreamDecodeError)


def _id(path):
    return "/".join(path.parts[-3:])


def _body(path):
    """The recording, with the final line end some were recorded without
    put back (the SDKs take a last line with none; we report the stream cut,
    as the command line does, which the corpus test checks)."""
    body = path.read_bytes()
    if body and not body.endswith((b"\n", b"\r")):
        body += b"\n\n"
    return body


def _finals(updates):
    """{(choice, index, call): value} of the updates with done=True, each
    checked to be a PartialUpdate."""
    finals = {}
    for u in updates:
        assert isinstance(u, PartialUpdate)
        if u.done:
            finals[(u.choice, u.index, u.call)] = u.value
    return finals


# openai-python


def _strict_tools(body):
    """A strict function tool for every tool name the recording calls: with
    those, the SDK parses each call's arguments into `parsed_arguments`."""
    names = set()
    try:
        for event in decode_events([body], protocol="openai-chat"):
            if event["type"] == "tool_call_start":
                names.add(event["name"])
    except FAILURES:
        pass
    return [
        {"type": "function", "function": {"name": n, "parameters": {"type": "object"}, "strict": True}}
        for n in sorted(names)
    ]


def _openai_sdk(server, tools):
    """The SDK's accumulation: {(choice, None, call): parsed_arguments} and
    each choice's content text."""
    client = openai.OpenAI(base_url=server.url + "/v1", api_key="test", max_retries=0)
    kwargs = {"tools": tools} if tools else {}
    with client.chat.completions.stream(model="gpt-4o", messages=MESSAGES, **kwargs) as stream:
        completion = stream.get_final_completion()
    calls, contents = {}, {}
    for choice in completion.choices:
        for call, tool_call in enumerate(choice.message.tool_calls or ()):
            calls[(choice.index, call)] = tool_call.function.parsed_arguments
        if choice.message.content:
            contents[choice.index] = choice.message.content
    return calls, contents


@pytest.mark.parametrize("path", OPENAI, ids=_id)
def test_openai_final_values_equal_the_sdks(path):
    body = _body(path)
    tools = _strict_tools(body)
    with serve(body) as server:
        try:
            sdk_calls, sdk_contents = _openai_sdk(server, tools)
        except Exception as e:  # the SDK's own parsing rejects some recordings
            pytest.skip(f"chat.completions.stream() rejects this recording: {type(e).__name__}")
        client = openai.OpenAI(base_url=server.url + "/v1", api_key="test", max_retries=0)
        with client.chat.completions.with_streaming_response.create(
            model="gpt-4o", messages=MESSAGES, stream=True
        ) as response:
            finals = _finals(decode_partials(response.iter_bytes(), protocol="openai-chat"))
    ours_calls = {(c, call): v for (c, _, call), v in finals.items() if call is not None}
    assert ours_calls == sdk_calls
    # A JSON answer in the text: our value is the SDK's content, parsed.
    for (choice, _, call), value in finals.items():
        if call is None:
            text = sdk_contents[choice]
            start = text.index("{")
            assert value == json.JSONDecoder().raw_decode(text, start)[0]


def test_openai_recordings_cover_tool_calls_and_json_content():
    """The comparison above is not vacuous."""
    path = CORPORA / "sse/openai-chat/openai-python/parse_multiple_pydantic_tools_parallel.sse"
    finals = _finals(decode_partials([path.read_bytes()], protocol="openai-chat"))
    assert sorted(k[2] for k in finals) == [0, 1]
    path = CORPORA / "sse/openai-chat/openai-python/parse_pydantic_model_multiple_choices_n3.sse"
    finals = _finals(decode_partials([path.read_bytes()], protocol="openai-chat"))
    assert sorted(finals) == [(0, 0, None), (1, 1, None), (2, 2, None)]


@pytest.mark.parametrize("path", OPENAI[::5], ids=_id)
def test_openai_async_twin_gives_the_same_updates(path):
    body = _body(path)

    def sync():
        with serve(body) as server:
            client = openai.OpenAI(base_url=server.url + "/v1", api_key="test", max_retries=0)
            with client.chat.completions.with_streaming_response.create(
                model="gpt-4o", messages=MESSAGES, stream=True
            ) as response:
                return _trace(decode_partials(response.iter_bytes(), protocol="openai-chat"))

    async def run():
        with serve(body, write_size=13) as server:
            client = openai.AsyncOpenAI(base_url=server.url + "/v1", api_key="test", max_retries=0)
            async with client.chat.completions.with_streaming_response.create(
                model="gpt-4o", messages=MESSAGES, stream=True
            ) as response:
                out = []
                try:
                    async for u in decode_partials_async(response.iter_bytes(), protocol="openai-chat"):
                        out.append(_key(u))
                except FAILURES as e:
                    out.append(type(e).__name__)
            await client.close()
            return out

    assert asyncio.run(run()) == sync()


def _key(u):
    return (u.choice, u.index, u.call, u.name, json.dumps(u.value), u.done)


def _trace(updates):
    out = []
    try:
        for u in updates:
            out.append(_key(u))
    except FAILURES as e:
        out.append(type(e).__name__)
    return out


# anthropic-python


def _anthropic(server, asynchronous=False):
    cls = anthropic.AsyncAnthropic if asynchronous else anthropic.Anthropic
    return cls(base_url=server.url, api_key="test", max_retries=0)


@pytest.mark.parametrize("path", ANTHROPIC, ids=_id)
def test_anthropic_final_inputs_equal_the_sdks(path):
    body = _body(path)
    with serve(body) as server:
        try:
            with _anthropic(server).messages.stream(
                model="claude-sonnet-4-5", max_tokens=100, messages=MESSAGES
            ) as stream:
                message = stream.get_final_message()
        except anthropic.AnthropicError as e:
            pytest.skip(f"messages.stream() rejects this recording: {e}")
        with _anthropic(server).messages.with_streaming_response.create(
            model="claude-sonnet-4-5", max_tokens=100, messages=MESSAGES, stream=True
        ) as response:
            try:
                finals = _finals(decode_partials(response.iter_bytes(), protocol="anthropic"))
            except JSONError:
                # A cut-off input (max_tokens): the SDK keeps the partial
                # input it could parse; we raise after the partials.
                assert message.stop_reason == "max_tokens"
                return
    sdk = {i: block.input for i, block in enumerate(message.content) if block.type == "tool_use"}
    assert {index: v for (_, index, call), v in finals.items() if call is not None} == sdk


@pytest.mark.parametrize("path", ANTHROPIC[::5], ids=_id)
def test_anthropic_async_twin_gives_the_same_updates(path):
    body = _body(path)
    with serve(body) as server:
        with _anthropic(server).messages.with_streaming_response.create(
            model="claude-sonnet-4-5", max_tokens=100, messages=MESSAGES, stream=True
        ) as response:
            expected = _trace(decode_partials(response.iter_bytes(), protocol="anthropic"))

    async def run():
        with serve(body, write_size=13) as server:
            client = _anthropic(server, asynchronous=True)
            async with client.messages.with_streaming_response.create(
                model="claude-sonnet-4-5", max_tokens=100, messages=MESSAGES, stream=True
            ) as response:
                out = []
                try:
                    async for u in decode_partials_async(response.iter_bytes(), protocol="anthropic"):
                        out.append(_key(u))
                except FAILURES as e:
                    out.append(type(e).__name__)
            await client.close()
            return out

    assert asyncio.run(run()) == expected
