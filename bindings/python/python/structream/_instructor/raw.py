"""Instructor's streams read from the response bytes, past the SDKs' chunk
models.

Instructor hands the SDK's stream object (``openai.Stream``,
``anthropic.Stream`` and their async twins) to ``from_streaming_response``
with the handler's ``extract_streaming_json``, which iterates the SDK's
chunks (a pydantic model per server-sent event) and yields the JSON text of
the answer. When that stream has not been read yet, the replacement below
reads its ``httpx`` response's bytes through ``structream.providers``
instead and yields the same text, for these handlers and modes:

- openai-python Chat Completions (``openai-chat``): ``TOOLS`` and
  ``TOOLS_STRICT`` (the tool calls' argument deltas of choice 0), ``JSON``,
  ``JSON_SCHEMA`` and ``MD_JSON`` (the content of choice 0; ``MD_JSON``
  through Instructor's own fence extraction);
- anthropic-python (``anthropic``): ``TOOLS`` (``input_json_delta``),
  ``JSON`` and ``JSON_SCHEMA`` (text deltas).

Anything else goes through Instructor's own extractor, unchanged: other
SDKs (google-genai, Mistral, Cohere ... do not give Instructor an ``httpx``
response to read), a stream already read, and the modes not listed
(``RESPONSES_TOOLS``, whose events could be read the same way with the
``openai-responses`` protocol but are not tested here; ``PARALLEL_TOOLS``,
which Instructor does not stream as partials; the deprecated
``FUNCTIONS``). An error
the provider sends in the stream raises ``structream.providers
.ProviderError`` (the SDK would raise its ``APIError``).
"""

from __future__ import annotations

import functools
from typing import Any, AsyncIterator, Callable, Iterator, Optional, Tuple

from structream.providers import decode_events, decode_events_async

# (handler module, mode name) -> (protocol, event type, its text field).
_TOOLS = ("tool_args_delta", "json")
_TEXT = ("text_delta", "text")
_PLANS = {
    ("openai", "TOOLS"): ("openai-chat", *_TOOLS),
    ("openai", "TOOLS_STRICT"): ("openai-chat", *_TOOLS),
    ("openai", "JSON"): ("openai-chat", *_TEXT),
    ("openai", "JSON_SCHEMA"): ("openai-chat", *_TEXT),
    ("openai", "MD_JSON"): ("openai-chat", *_TEXT),
    ("anthropic", "TOOLS"): ("anthropic", *_TOOLS),
    ("anthropic", "JSON"): ("anthropic", *_TEXT),
    ("anthropic", "JSON_SCHEMA"): ("anthropic", *_TEXT),
}
_EXTRACTORS = ("extract_streaming_json", "extract_streaming_json_async")


def _plan(completion: Any, extractor: Any) -> Optional[Tuple[str, str, str, bool]]:
    """(protocol, event type, field, markdown) when `completion` can be read
    from its bytes in place of `extractor`; None otherwise."""
    handler = getattr(extractor, "__self__", None)
    if handler is None or getattr(extractor, "__name__", None) not in _EXTRACTORS:
        return None
    module = type(handler).__module__
    sdk = type(completion).__module__.split(".")[0]
    if not module.startswith(f"instructor.v2.providers.{sdk}.") or type(completion).__name__ not in (
        "Stream",
        "AsyncStream",
    ):
        return None
    mode = getattr(getattr(handler, "mode", None), "name", None)
    plan = _PLANS.get((sdk, mode))
    response = getattr(completion, "response", None)
    # The SDK has not read a byte: its iterator never started.
    if plan is None or response is None or response.is_stream_consumed or response.is_closed:
        return None
    return (*plan, mode == "MD_JSON")


def _select(event: dict, kind: str, field: str) -> Optional[str]:
    """The text of `event` Instructor's extractor would yield, if any: the
    kind it reads, of choice 0 (the extractors read ``choices[0]``)."""
    if event["type"] == kind and "choice" not in event:
        return event[field]
    return None


def _sync_extractor(plan: Tuple[str, str, str, bool]) -> Callable[[Any], Iterator[str]]:
    protocol, kind, field, markdown = plan

    def extract(completion: Any) -> Iterator[str]:
        def texts() -> Iterator[str]:
            try:
                for event in decode_events(completion.response.iter_bytes(), protocol=protocol):
                    text = _select(event, kind, field)
                    if text is not None:
                        yield text
            finally:
                completion.response.close()

        if markdown:
            from instructor.v2.core.json import extract_json_from_stream

            return extract_json_from_stream(texts())
        return texts()

    return extract


def _async_extractor(plan: Tuple[str, str, str, bool]) -> Callable[[Any], AsyncIterator[str]]:
    protocol, kind, field, markdown = plan

    def extract(completion: Any) -> AsyncIterator[str]:
        async def texts() -> AsyncIterator[str]:
            try:
                async for event in decode_events_async(completion.response.aiter_bytes(), protocol=protocol):
                    text = _select(event, kind, field)
                    if text is not None:
                        yield text
            finally:
                await completion.response.aclose()

        if markdown:
            from instructor.v2.core.json import extract_json_from_stream_async

            return extract_json_from_stream_async(texts())
        return texts()

    return extract


def reading_bytes(original: Any, asynchronous: bool) -> Callable[..., Any]:
    """A ``from_streaming_response`` (or ``_async``) that calls Instructor's
    own (the classmethod `original`) with the bytes-reading extractor where
    ``_plan`` allows it."""
    function = original.__func__
    make = _async_extractor if asynchronous else _sync_extractor

    @functools.wraps(function)
    def from_streaming_response(cls: Any, completion: Any, *args: Any, **kwargs: Any) -> Any:
        extractor = kwargs.get("stream_extractor")
        plan = _plan(completion, extractor)
        if plan is not None:
            kwargs["stream_extractor"] = make(plan)
        return function(cls, completion, *args, **kwargs)

    return from_streaming_response
