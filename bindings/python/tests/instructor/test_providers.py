"""Every provider's streaming handler, every mode that streams, sync and async:
the patched path runs and gives stock Instructor's results.

The handlers are Instructor's own (the ones its clients call); the streams
are the SDK chunk shapes those handlers read, carrying one answer cut into
LLM-sized pieces.
"""

from __future__ import annotations

import asyncio
import json
import random
from types import SimpleNamespace
from typing import Any, Callable, Iterable, List

import pytest

pytest.importorskip("instructor")

from instructor.v2.core.mode import Mode  # noqa: E402
from instructor.v2.dsl.partial import Partial  # noqa: E402
from instructor.v2.providers.anthropic.handlers import (  # noqa: E402
    AnthropicJSONHandler,
    AnthropicToolsHandler,
)
from instructor.v2.providers.genai.handlers import (  # noqa: E402
    GenAIStructuredOutputsHandler,
    GenAIToolsHandler,
)
from instructor.v2.providers.openai.handlers import (  # noqa: E402
    OpenAIJSONHandler,
    OpenAIJSONSchemaHandler,
    OpenAIMDJSONHandler,
    OpenAIParallelToolsHandler,
    OpenAIToolsHandler,
)
from pydantic import BaseModel  # noqa: E402

import structream.instructor as si  # noqa: E402
from structream._instructor import partial as patched_partial  # noqa: E402
from structream._instructor import tasks as patched_tasks  # noqa: E402

from stock_oracle import same  # noqa: E402


class Step(BaseModel):
    title: str
    minutes: int


class Plan(BaseModel):
    goal: str
    steps: List[Step]


PLAN = {
    "goal": "bake bread",
    "steps": [{"title": f"step {i} with a longer text", "minutes": i} for i in range(6)],
}


def pieces(text: str) -> List[str]:
    rng = random.Random(3)
    out, i = [], 0
    while i < len(text):
        step = rng.randint(1, 8)
        out.append(text[i : i + step])
        i += step
    return out


def openai_tools(text):
    for p in pieces(text):
        call = SimpleNamespace(index=0, id="c", function=SimpleNamespace(name="x", arguments=p))
        delta = SimpleNamespace(content=None, tool_calls=[call])
        yield SimpleNamespace(choices=[SimpleNamespace(delta=delta, finish_reason=None)])


def openai_text(text):
    for p in pieces(text):
        delta = SimpleNamespace(content=p, tool_calls=None)
        yield SimpleNamespace(choices=[SimpleNamespace(delta=delta, finish_reason=None)])


def openai_markdown(text):
    return openai_text(f"Here it is:\n```json\n{text}\n```\n")


def anthropic_tools(text):
    for p in pieces(text):
        yield SimpleNamespace(delta=SimpleNamespace(partial_json=p))


def anthropic_text(text):
    for p in pieces(text):
        yield SimpleNamespace(delta=SimpleNamespace(text=p))


def genai_text(text):
    for p in pieces(text):
        yield SimpleNamespace(text=p)


def genai_tools(text):
    # Gemini sends a function call's arguments whole, in one chunk.
    part = SimpleNamespace(function_call=SimpleNamespace(args=json.loads(text)))
    yield SimpleNamespace(candidates=[SimpleNamespace(content=SimpleNamespace(parts=[part]))])


HANDLERS = {
    "openai-tools": (OpenAIToolsHandler, openai_tools),
    "openai-parallel-tools": (OpenAIParallelToolsHandler, openai_tools),
    "openai-json": (OpenAIJSONHandler, openai_text),
    "openai-json-schema": (OpenAIJSONSchemaHandler, openai_text),
    "openai-md-json": (OpenAIMDJSONHandler, openai_markdown),
    "anthropic-tools": (AnthropicToolsHandler, anthropic_tools),
    "anthropic-json": (AnthropicJSONHandler, anthropic_text),
    "genai-tools": (lambda: GenAIToolsHandler(Mode.TOOLS), genai_tools),
    "genai-json": (lambda: GenAIStructuredOutputsHandler(Mode.JSON), genai_text),
}


def parse(handler, response_model, stream, is_async: bool):
    if isinstance(handler, (GenAIToolsHandler, GenAIStructuredOutputsHandler)):
        if is_async:
            return handler.parse_response(stream, response_model, stream=True, is_async=True)
        return handler.parse_response(stream, response_model, stream=True)
    return handler._parse_streaming_response(response_model, stream, None, None)


async def _agen(items: Iterable[Any]):
    for item in items:
        yield item


def run(name: str, response_model, text: str, is_async: bool) -> List[Any]:
    handler_class, make = HANDLERS[name]
    handler = handler_class()
    stream = make(text)
    if not is_async:
        return list(parse(handler, response_model, stream, False))

    async def collect():
        result = parse(handler, response_model, _agen(list(stream)), True)
        return [x async for x in result]

    return asyncio.run(collect())


def calls(monkeypatch) -> List[str]:
    """Records each call of the patched methods' streams."""
    seen: List[str] = []
    for module, cls in ((patched_partial, "PartialStream"), (patched_tasks, "TaskStream")):
        original = getattr(module, cls).push

        def push(self, chunk, _original=original, _name=cls):
            seen.append(_name)
            return _original(self, chunk)

        monkeypatch.setattr(getattr(module, cls), "push", push)
    return seen


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("name", sorted(HANDLERS))
def test_partial_streams_match_stock(monkeypatch, name, is_async):
    text = json.dumps(PLAN)
    stock = run(name, Partial[Plan], text, is_async)
    seen = calls(monkeypatch)
    si.install()
    try:
        got = run(name, Partial[Plan], text, is_async)
    finally:
        si.uninstall()
    assert "PartialStream" in seen
    assert len(got) == len(stock)
    assert same(got[-1], stock[-1]) and type(got[-1]) is Plan
    assert got[-1].model_dump() == PLAN


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("name", sorted(HANDLERS))
def test_iterable_streams_match_stock(monkeypatch, name, is_async):
    from instructor.v2.dsl.iterable import IterableModel

    text = json.dumps({"tasks": PLAN["steps"]})
    model = IterableModel(Step)
    stock = run(name, model, text, is_async)
    seen = calls(monkeypatch)
    si.install()
    try:
        got = run(name, model, text, is_async)
    finally:
        si.uninstall()
    assert "TaskStream" in seen
    assert len(got) == len(stock) == len(PLAN["steps"])
    assert all(same(a, b) for a, b in zip(got, stock))


@pytest.mark.parametrize(
    "text",
    [
        '{"tasks": [{"title": "a", "minutes": 1}, {"title": "b}{", "minutes": 2}]}',
        '[{"title": "a", "minutes": 1},{"title": "b", "minutes": 2}, {"title": "c", "minutes": 3}]',
        '{"title": "only", "minutes": 9}',
        'Sure:\n```json\n{"tasks": [{"title": "a", "minutes": 1}]}\n```\nDone.',
        '{"tasks": []}',
    ],
)
def test_tasks_match_stock_at_every_split(text):
    from instructor.v2.dsl.iterable import IterableModel

    from stock_oracle import STOCK_TASKS_FROM_CHUNKS

    model = IterableModel(Step)
    stock = list(STOCK_TASKS_FROM_CHUNKS(model, list(text)))
    si.install()
    try:
        for chunks in [list(text), [text]] + [[text[:i], text[i:]] for i in range(len(text))]:
            got = list(model.tasks_from_chunks(chunks))
            assert len(got) == len(stock), chunks
            assert all(same(a, b) for a, b in zip(got, stock))
    finally:
        si.uninstall()


def test_unsupported_version_is_refused(monkeypatch):
    from importlib import metadata

    real = metadata.version
    monkeypatch.setattr(
        metadata, "version", lambda name: "1.16.0" if name == "instructor" else real(name)
    )
    with pytest.raises(RuntimeError, match="Instructor 1.16.0 is not supported"):
        si.install()
    assert not si.installed()
