"""``structream.openai.partials`` over openai-python's real stream classes,
fed recorded Chat Completions streams through a loopback server."""

import asyncio
import copy
import json
from collections import defaultdict
from pathlib import Path

import jiter
import openai
import pytest

from conftest import CORPORA
from sse_server import serve, sse_data
from stream_checks import AsyncTap, Tap, equal_but_half_scalars, jiter_partial
from structream import JSONError
from structream.openai import ChatPartial, partials

FILES = sorted((CORPORA / "sse").glob("openai-*/*/*.sse"))
FILES = [f for f in FILES if f.parent.parent.name in ("openai-chat", "openai-compatible")]
MESSAGES = [{"role": "user", "content": "hi"}]


def _id(path: Path) -> str:
    return f"{path.parent.parent.name}/{path.parent.name}/{path.name}"


class Reference:
    """The channels' texts, read from the recording without the SDK."""

    def __init__(self, body: bytes):
        self.chunks = []
        self.invalid = False
        for data in sse_data(body):
            if data.strip() == "[DONE]":
                continue
            try:
                chunk = json.loads(data)
            except ValueError:
                self.invalid = True
                continue
            if isinstance(chunk, dict) and "choices" in chunk:
                self.chunks.append(chunk)
            if isinstance(chunk, dict) and "error" in chunk:
                self.invalid = True

    def texts(self, upto=None):
        """Accumulated text per (choice, tool call or None) after `upto` chunks."""
        texts = defaultdict(str)
        for chunk in self.chunks[:upto]:
            for choice in chunk["choices"]:
                delta = choice.get("delta") or {}
                if isinstance(delta.get("content"), str) and delta["content"]:
                    texts[(choice["index"], None)] += delta["content"]
                for position, call in enumerate(delta.get("tool_calls") or []):
                    fn = call.get("function") or {}
                    n = call.get("index")
                    n = position if n is None else n
                    texts[(choice["index"], n)] += fn.get("arguments") or ""
        return texts


def _json_content(ref):
    """Whether every choice's content is JSON (or a cut-off JSON prefix)."""
    contents = [t for (c, n), t in ref.texts().items() if n is None]
    if not contents:
        return False
    for text in contents:
        if not text.lstrip().startswith(("{", "[")):
            return False
        try:
            jiter.from_json(text.encode(), partial_mode="trailing-strings")
        except ValueError:
            return False
    return True


def _check(updates, ref, content):
    """`updates`: (update, chunks read when it came, copy of its value then)."""
    final = {}
    for update, read, value in updates:
        assert isinstance(update, ChatPartial)
        key = (update.choice, update.tool_call)
        text = ref.texts(read)[key]
        if not update.done:
            assert equal_but_half_scalars(value, text), (key, text, value)
        else:
            final[key] = update
    texts = ref.texts()
    expected_keys = {k for k, t in texts.items() if k[1] is not None or content}
    expected_keys |= {k for k in texts if k[1] is not None}
    assert set(final) == {k for k in expected_keys if texts[k] or k[1] is not None}
    for key, update in final.items():
        text = texts[key]
        try:
            whole = json.loads(text)
        except ValueError:
            whole = None
        if whole is not None:
            assert update.complete and update.value == whole, key
        else:
            assert not update.complete
            assert equal_but_half_scalars(update.value, text), (key, text, update.value)
    return final


def _sync_updates(path, content, helper=False):
    body = path.read_bytes()
    with serve(body) as server:
        client = openai.OpenAI(base_url=server.url + "/v1", api_key="test", max_retries=0)
        if helper:
            with client.chat.completions.stream(model="gpt-4o", messages=MESSAGES) as stream:
                tap = Tap(stream)
                got = [(u, tap.read, copy.deepcopy(u.value)) for u in partials(tap, content=content)]
        else:
            stream = client.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True)
            assert isinstance(stream, openai.Stream)
            tap = Tap(stream)
            got = [(u, tap.read, copy.deepcopy(u.value)) for u in partials(tap, content=content)]
        assert server.requests and server.requests[0][0] == "/v1/chat/completions"
    return got


def _plan(path):
    ref = Reference(path.read_bytes())
    if not ref.chunks:
        pytest.skip("no chunks in this recording")
    if ref.invalid:
        pytest.skip("an event is not JSON or is an error: the SDK itself raises on it")
    return ref, _json_content(ref)


@pytest.mark.parametrize("path", FILES, ids=_id)
def test_create_stream(path):
    ref, content = _plan(path)
    try:
        got = _sync_updates(path, content)
    except JSONError as e:
        # Only arguments that are not JSON may fail, and jiter agrees.
        assert any(jiter_partial(t) is None for t in ref.texts().values() if t), str(e)
        return
    _check(got, ref, content)


@pytest.mark.parametrize("path", FILES, ids=_id)
def test_async_create_stream(path):
    ref, content = _plan(path)
    body = path.read_bytes()

    async def run():
        with serve(body, write_size=13) as server:
            client = openai.AsyncOpenAI(base_url=server.url + "/v1", api_key="test", max_retries=0)
            stream = await client.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True)
            assert isinstance(stream, openai.AsyncStream)
            tap = AsyncTap(stream)
            out = []
            async for u in partials(tap, content=content):
                out.append((u, tap.read, copy.deepcopy(u.value)))
            await client.close()
            return out

    try:
        got = asyncio.run(run())
    except JSONError:
        assert any(jiter_partial(t) is None for t in ref.texts().values() if t)
        return
    _check(got, ref, content)


@pytest.mark.parametrize("path", FILES, ids=_id)
def test_chat_completion_stream_helper(path):
    """The stream of `chat.completions.stream()` gives the same updates."""
    ref, content = _plan(path)
    try:
        raw = _sync_updates(path, content)
    except JSONError:
        return
    try:
        helper = _sync_updates(path, content, helper=True)
    except Exception as e:  # the SDK's own parsing may reject a recording
        if isinstance(e, JSONError):
            raise
        pytest.skip(f"chat.completions.stream() rejects this recording: {type(e).__name__}")
    assert [(u.choice, u.tool_call, u.name, u.complete, u.done) for u, _, _ in helper] == [
        (u.choice, u.tool_call, u.name, u.complete, u.done) for u, _, _ in raw
    ]
    assert [u.value for u, _, _ in helper if u.done] == [u.value for u, _, _ in raw if u.done]


def test_parallel_tool_calls_names_and_ids():
    path = CORPORA / "sse/openai-chat/openai-python/parse_multiple_pydantic_tools_parallel.sse"
    got = [u for u, _, _ in _sync_updates(path, False)]
    done = [u for u in got if u.done]
    assert [(u.tool_call, u.name) for u in done] == [(0, "GetWeatherArgs"), (1, "get_stock_price")]
    assert all(u.id and u.id.startswith("call_") for u in done)
    assert all(u.complete for u in done)
