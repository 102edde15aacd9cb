"""``structream.openai.partials`` over openai-python's Responses API
stream, fed recorded Responses streams through a loopback server."""

import copy
import json
from pathlib import Path

import openai
import pytest

from conftest import CORPORA
from sse_server import serve, sse_data
from stream_checks import Tap, equal_but_half_scalars
from structream.openai import partials

FILES = sorted((CORPORA / "sse" / "openai-responses").glob("*/*.sse"))


def _id(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def _arguments(events):
    """Each function call's arguments by output index, from the events."""
    args = {}
    for event in events:
        kind = event.get("type")
        if kind == "response.output_item.added" and event["item"].get("type") == "function_call":
            args[event["output_index"]] = event["item"].get("arguments") or ""
        elif kind == "response.function_call_arguments.delta" and event.get("output_index") in args:
            args[event["output_index"]] += event.get("delta") or ""
        elif kind == "response.function_call_arguments.done" and event.get("output_index") in args:
            if not args[event["output_index"]]:
                args[event["output_index"]] = event.get("arguments") or ""
    return args


@pytest.mark.parametrize("path", FILES, ids=_id)
def test_responses_create_stream(path):
    body = path.read_bytes()
    events = []
    for data in sse_data(body):
        try:
            events.append(json.loads(data))
        except ValueError:
            pytest.skip("an event is not JSON: the SDK itself raises on it")
    if any(e.get("type") in ("error", "response.failed") for e in events):
        pytest.skip("an error event: the SDK itself raises on it")
    with serve(body) as server:
        client = openai.OpenAI(base_url=server.url + "/v1", api_key="test", max_retries=0)
        stream = client.responses.create(model="gpt-4.1", input="hi", stream=True)
        assert isinstance(stream, openai.Stream)
        tap = Tap(stream)
        got = [(u, tap.read, copy.deepcopy(u.value)) for u in partials(tap)]
        assert server.requests[0][0] == "/v1/responses"
    final = {}
    for update, read, value in got:
        assert update.choice == 0 and update.tool_call is not None
        text = _arguments([e.model_dump() for e in tap.items[:read]])[update.tool_call]
        if update.done:
            final[update.tool_call] = update
        else:
            assert equal_but_half_scalars(value, text), (text, value)
    expected = _arguments(events)
    assert set(final) == set(expected)
    for index, update in final.items():
        assert update.complete and update.value == json.loads(expected[index]), index
        assert update.name and update.id


def test_function_call_arguments_stream_as_they_come():
    path = CORPORA / "sse/openai-responses/pydantic-ai/client_tool_search_streaming.1.function_call.sse"
    with serve(path.read_bytes()) as server:
        client = openai.OpenAI(base_url=server.url + "/v1", api_key="test", max_retries=0)
        updates = list(partials(client.responses.create(model="gpt-4.1", input="hi", stream=True)))
    assert len(updates) >= 2 and updates[-1].done and updates[-1].complete
