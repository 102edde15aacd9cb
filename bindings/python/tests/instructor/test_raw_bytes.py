"""With ``install()``, Instructor's openai-python and anthropic-python
streams are read from the response bytes (``structream.providers``), not
from the SDKs' chunk models: through the real clients against a loopback
server, every mode that path covers gives exactly the models of the SDK
path, sync and async, and the SDK's own chunk decoding is never called."""

from __future__ import annotations

import asyncio
import json
from typing import List

import pytest

instructor = pytest.importorskip("instructor")

import anthropic  # noqa: E402
import openai  # noqa: E402
from instructor.v2.core.mode import Mode  # noqa: E402
from pydantic import BaseModel  # noqa: E402

import structream.instructor as si  # noqa: E402
from structream._instructor import raw  # noqa: E402

from sse_server import serve  # noqa: E402


class Step(BaseModel):
    title: str
    minutes: int


class Plan(BaseModel):
    goal: str
    steps: List[Step]


PLAN = {"goal": "bake bread", "steps": [{"title": f"step {i} – knead", "minutes": i * 7} for i in range(5)]}
TEXT = json.dumps(PLAN, ensure_ascii=False)
MESSAGES = [{"role": "user", "content": "plan"}]


def _pieces(text, size=5):
    return [text[i : i + size] for i in range(0, len(text), size)]


def _openai_body(mode):
    def chunk(delta, finish=None):
        c = {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m",
             "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
        return b"data: " + json.dumps(c, ensure_ascii=False).encode() + b"\n\n"

    if mode in (Mode.TOOLS, Mode.TOOLS_STRICT):
        first = chunk({"role": "assistant", "tool_calls": [
            {"index": 0, "id": "call_1", "type": "function", "function": {"name": "Plan", "arguments": ""}}]})
        rest = [chunk({"tool_calls": [{"index": 0, "function": {"arguments": p}}]}) for p in _pieces(TEXT)]
        end = chunk({}, "tool_calls")
    else:
        text = f"Here it is:\n```json\n{TEXT}\n```\n" if mode == Mode.MD_JSON else TEXT
        first = chunk({"role": "assistant", "content": ""})
        rest = [chunk({"content": p}) for p in _pieces(text)]
        end = chunk({}, "stop")
    return first + b"".join(rest) + end + b"data: [DONE]\n\n"


def _anthropic_body(mode):
    def event(name, data):
        return b"event: %s\ndata: %s\n\n" % (name.encode(), json.dumps(data, ensure_ascii=False).encode())

    start = event("message_start", {"type": "message_start", "message": {
        "id": "m", "type": "message", "role": "assistant", "model": "x", "content": [],
        "stop_reason": None, "stop_sequence": None, "usage": {"input_tokens": 1, "output_tokens": 1}}})
    if mode == Mode.TOOLS:
        block = {"type": "tool_use", "id": "toolu_1", "name": "Plan", "input": {}}
        deltas = [{"type": "input_json_delta", "partial_json": p} for p in _pieces(TEXT)]
    else:
        block = {"type": "text", "text": ""}
        deltas = [{"type": "text_delta", "text": p} for p in _pieces(TEXT)]
    body = start + event("content_block_start", {"type": "content_block_start", "index": 0, "content_block": block})
    body += b"".join(event("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": d}) for d in deltas)
    body += event("content_block_stop", {"type": "content_block_stop", "index": 0})
    body += event("message_delta", {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                                    "usage": {"output_tokens": 9}})
    return body + event("message_stop", {"type": "message_stop"})


CASES = [("openai", m) for m in (Mode.TOOLS, Mode.TOOLS_STRICT, Mode.JSON, Mode.JSON_SCHEMA, Mode.MD_JSON)]
CASES += [("anthropic", m) for m in (Mode.TOOLS, Mode.JSON)]


def _client(sdk, mode, url, asynchronous):
    if sdk == "openai":
        cls = openai.AsyncOpenAI if asynchronous else openai.OpenAI
        return instructor.from_openai(cls(base_url=url + "/v1", api_key="k", max_retries=0), mode=mode)
    cls = anthropic.AsyncAnthropic if asynchronous else anthropic.Anthropic
    return instructor.from_anthropic(cls(base_url=url, api_key="k", max_retries=0), mode=mode)


def _partials(sdk, mode, asynchronous=False, iterable=False):
    body = _openai_body(mode) if sdk == "openai" else _anthropic_body(mode)
    kwargs = {"model": "m", "messages": MESSAGES, "max_retries": 0}
    if sdk == "anthropic":
        kwargs["max_tokens"] = 100
    with serve(body) as server:
        client = _client(sdk, mode, server.url, asynchronous)
        if not asynchronous:
            return [m.model_dump() for m in client.create_partial(response_model=Plan, **kwargs)]

        async def run():
            return [m.model_dump() async for m in client.create_partial(response_model=Plan, **kwargs)]

        return asyncio.run(run())


def _distinct(models):
    """`models` with each run of equal models kept once."""
    return [m for i, m in enumerate(models) if i == 0 or m != models[i - 1]]


@pytest.fixture
def installed():
    si.install()
    yield
    si.uninstall()


def _refuse_sdk_chunks(patch):
    """Makes the SDKs' per-event decoding fail if anything iterates it."""

    def refuse(self):
        raise AssertionError("the SDK's chunk decoding ran")
        yield

    async def refuse_async(self):
        raise AssertionError("the SDK's chunk decoding ran")
        yield

    for cls in (openai.Stream, anthropic.Stream):
        patch.setattr(cls, "__stream__", refuse)
    for cls in (openai.AsyncStream, anthropic.AsyncStream):
        patch.setattr(cls, "__stream__", refuse_async)


@pytest.fixture
def no_sdk_chunks(monkeypatch):
    _refuse_sdk_chunks(monkeypatch)


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("sdk,mode", CASES, ids=[f"{s}-{m.name}" for s, m in CASES])
def test_bytes_path_gives_the_sdk_paths_models(installed, monkeypatch, sdk, mode, asynchronous):
    with monkeypatch.context() as m:
        # The SDK's chunk models are never built on this path.
        _refuse_sdk_chunks(m)
        from_bytes = _partials(sdk, mode, asynchronous)
    with monkeypatch.context() as m:
        m.setattr(raw, "_plan", lambda completion, extractor: None)
        from_chunks = _partials(sdk, mode, asynchronous)
    # The SDK path also hands Instructor the empty argument pieces some
    # events carry, for which it yields the previous model again.
    assert _distinct(from_bytes) == _distinct(from_chunks)
    assert len(from_chunks) - len(from_bytes) <= 2
    assert from_bytes[-1] == PLAN
    assert len(from_bytes) > 10


def test_without_install_the_sdk_path_runs(no_sdk_chunks):
    """The check above can fail: stock Instructor reads the SDK's chunks."""
    for sdk, mode in CASES:
        with pytest.raises(Exception, match="chunk decoding ran"):
            _partials(sdk, mode)


def test_iterable_reads_bytes_too(installed, no_sdk_chunks):
    text = json.dumps({"tasks": PLAN["steps"]}, ensure_ascii=False)
    chunks = [
        {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m",
         "choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "id": "call_1", "type": "function",
                                                            "function": {"name": "IterableStep", "arguments": p}}]},
                      "finish_reason": None}]}
        for p in _pieces(text)
    ]
    body = b"".join(b"data: " + json.dumps(c, ensure_ascii=False).encode() + b"\n\n" for c in chunks) + b"data: [DONE]\n\n"
    with serve(body) as server:
        client = _client("openai", Mode.TOOLS, server.url, False)
        got = [s.model_dump() for s in client.create_iterable(model="m", messages=MESSAGES, response_model=Step, max_retries=0)]
    assert got == PLAN["steps"]
