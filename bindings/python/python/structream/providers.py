r"""Provider response streams read from their raw bytes.

The SDKs decode every server-sent event into a pydantic model before a
caller sees it (openai-python: about 175 µs an event, seconds for a 100 KB
tool call). ``structream.providers`` reads the response body itself: keep
the SDK for the request (auth, retries, base URLs) and hand the body's bytes
here. The decoding is structream's own (SSE / NDJSON framing and each
protocol's events, in Rust, well under a microsecond an event)::

    from openai import OpenAI
    from structream.providers import decode_partials

    client = OpenAI()
    with client.chat.completions.with_streaming_response.create(
        model="gpt-4.1-mini", messages=[...], tools=[...], stream=True
    ) as response:
        for update in decode_partials(response.iter_bytes(), protocol="openai-chat"):
            print(update.call, update.name, update.value, update.done)

``protocol`` takes the names of ``structream sse --protocol``:
``"openai-chat"`` (also every OpenAI-compatible server; alias
``"openai-compatible"``), ``"openai-responses"``, ``"anthropic"``,
``"gemini"`` (``streamGenerateContent?alt=sse``) and ``"ollama"`` (its
native ``/api/chat`` NDJSON). Anthropic's ``with_streaming_response``, an
``httpx`` response's ``iter_bytes()``, a file read in blocks: any iterable
of ``bytes`` works, split anywhere. ``decode_events_async`` and
``decode_partials_async`` take async iterables (``aiter_bytes()``).

Here a recorded Chat Completions body, in two chunks cut anywhere:

>>> body = (b'data: {"choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "id": "call_1",'
...         b' "function": {"name": "get_weather", "arguments": "{\\"city\\": \\"Par"}}]}}]}\n\n'
...         b'data: {"choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0,'
...         b' "function": {"arguments": "is\\", \\"days\\": 3}"}}]}, "finish_reason": "tool_calls"}]}\n\n'
...         b'data: [DONE]\n\n')
>>> for update in decode_partials([body[:70], body[70:]], protocol="openai-chat"):
...     print(update.call, update.name, update.value, update.done)
0 get_weather {'city': 'Par'} False
0 get_weather {'city': 'Paris', 'days': 3} False
0 get_weather {'city': 'Paris', 'days': 3} True
>>> [event["type"] for event in decode_events([body], protocol="openai-chat")]
['tool_call_start', 'tool_args_delta', 'tool_args_delta', 'tool_call_end', 'finish']

Errors, after everything that came before them was yielded:

- ``ProviderError``: the provider sent an error in the stream
  (``.message``, ``.kind``, ``.code``, ``.status``);
- ``StreamDecodeError``: the bytes are not a stream of the protocol, or the
  stream was cut off (``.eof`` is True) — ``.offset`` is the byte;
- ``structream.JSONError``: a tool call's arguments (or a JSON answer) are
  invalid JSON, or incomplete when the call ended (a ``max_tokens`` cut).

Both ``ProviderError`` and ``StreamDecodeError`` are ``StreamError`` subclasses.
"""

from typing import Any, AsyncIterable, AsyncIterator, Iterable, Iterator, List, Optional, Union

from ._structream import (
    PartialUpdate,
    ProviderError,
    StreamDecodeError,
    StreamError,
    StreamReader,
)

__all__ = [
    "PartialUpdate",
    "ProviderError",
    "StreamDecodeError",
    "StreamError",
    "decode_events",
    "decode_events_async",
    "decode_partials",
    "decode_partials_async",
]

Chunk = Union[bytes, bytearray, str]


def decode_events(byte_iter: Iterable[Chunk], protocol: str) -> Iterator[dict]:
    """The events of a provider stream, one ``dict`` each: exactly the
    objects ``structream sse --protocol PROTOCOL`` prints, in order.

    ``{"type": "text_delta", "text"}``, ``tool_call_start {index, call, id,
    name}``, ``tool_args_delta {index, call, json}``, ``tool_call_end
    {index, call}``, ``reasoning_delta {text}``, ``reasoning_redacted
    {data}``, ``refusal {text}``, ``usage {input_tokens, output_tokens[,
    reasoning_tokens, cached_tokens]}``, ``finish {reason, raw}``, ``error
    {message[, kind, code, status, offset]}``; events of a choice other than
    0 carry ``choice``. ``index`` is the provider's index of a tool call,
    ``call`` its ordinal among its choice's calls (0, 1, ...).

    An ``error`` event is yielded like the others; once the stream has ended
    the first one is raised as ``ProviderError`` (as the command line exits
    1). A stream that cannot be decoded, or is cut off, yields the
    command line's ``error`` event (``"kind": "decode"``) and raises
    ``StreamDecodeError``."""
    return _drive(byte_iter, StreamReader(protocol))


def decode_partials(
    byte_iter: Iterable[Chunk],
    protocol: str,
    items: Optional[List[str]] = None,
    partial_mode: Any = "trailing-strings",
) -> Iterator[PartialUpdate]:
    """The partial values of a provider stream's JSON: each tool call's
    arguments, and each choice's text when it holds a JSON object (JSON
    mode, ``json_schema`` answers; prose, markdown fences and ``<think>``
    blocks around it are skipped, text with no JSON yields nothing).

    Yields a ``PartialUpdate`` each time a value visibly changes, and one
    with ``done=True`` when it is complete: ``.index`` (the provider's index
    of the tool call, or the choice), ``.call`` (the call's ordinal among
    its choice's tool calls, ``None`` for text), ``.name`` and ``.id`` (the
    tool's; ``None`` for text), ``.choice``, ``.value`` and ``.done``.
    ``.value`` is the channel's ``PartialJSON.value``: one live object,
    updated in place by later events (completed subtrees are never touched
    again); copy it to keep a version. A call with no arguments ends as
    ``{}``. ``partial_mode`` is ``PartialJSON``'s (``"on"`` shows strings
    only once complete, as the SDKs' accumulators do). ``items``: JSON
    Pointer patterns (``["/users"]``) of arrays whose items, as each closes,
    are in the update's ``.items``.

    Each event costs its own size, never the value's: an update is O(chunk).
    Raises ``ProviderError`` at a provider's error event,
    ``StreamDecodeError`` for bytes that are not such a stream or a stream
    cut off, ``structream.JSONError`` for invalid JSON or JSON still
    incomplete when its call or choice ended — each after the updates that
    came before it."""
    return _drive(byte_iter, StreamReader(protocol, True, partial_mode, items))


def decode_events_async(byte_iter: AsyncIterable[Chunk], protocol: str) -> AsyncIterator[dict]:
    """``decode_events`` over an async iterable of bytes (``aiter_bytes()``)."""
    return _drive_async(byte_iter, StreamReader(protocol))


def decode_partials_async(
    byte_iter: AsyncIterable[Chunk],
    protocol: str,
    items: Optional[List[str]] = None,
    partial_mode: Any = "trailing-strings",
) -> AsyncIterator[PartialUpdate]:
    """``decode_partials`` over an async iterable of bytes (``aiter_bytes()``)."""
    return _drive_async(byte_iter, StreamReader(protocol, True, partial_mode, items))


# The two adapters below only iterate; everything else is the reader's.


def _drive(byte_iter: Iterable[Chunk], reader: StreamReader) -> Iterator[Any]:
    for chunk in byte_iter:
        reader.feed(chunk)
        yield from reader
        if reader.failed:
            break
    else:
        reader.finish()
        yield from reader
    reader.check()


async def _drive_async(byte_iter: AsyncIterable[Chunk], reader: StreamReader) -> AsyncIterator[Any]:
    async for chunk in byte_iter:
        reader.feed(chunk)
        for out in reader:
            yield out
        if reader.failed:
            break
    else:
        reader.finish()
        for out in reader:
            yield out
    reader.check()
