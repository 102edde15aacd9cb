"""Partial tool inputs of anthropic-python's Messages streams, at O(n).

anthropic-python's ``messages.stream()`` re-parses a tool_use block's whole
input JSON with jiter on every ``input_json_delta`` to keep the message
snapshot's ``input`` current: O(n²) over a stream. ``partials`` computes
the same partial inputs incrementally::

    from anthropic import Anthropic
    from structream.anthropic import partials

    stream = Anthropic().messages.create(model=..., max_tokens=..., messages=..., tools=..., stream=True)
    for update in partials(stream):
        print(update.index, update.name, update.value)

It takes what ``messages.create(..., stream=True)`` returns (``Stream`` or
``AsyncStream``: iterate the result with ``async for``), or the stream of
``messages.stream()`` (only its raw ``content_block_*`` events are read;
that stream still re-parses on its own, so ``create(stream=True)`` is the
O(n) path). The SDK itself is not imported.
"""

from dataclasses import dataclass
from typing import Any, AsyncIterator, Iterator, List, Optional, Union

from ._channels import Channel, Channels, drive, field

__all__ = ["BlockPartial", "partials"]

# Content blocks whose input streams as `input_json_delta`s.
_INPUT_BLOCKS = frozenset({"tool_use", "server_tool_use", "mcp_tool_use"})


@dataclass(frozen=True)
class BlockPartial:
    """The partial value of one content block after an event that changed
    it (or at its end)."""

    index: int
    """The content block's index in the message."""
    type: str
    """The block's type: ``"tool_use"`` (or another tool-use type), or
    ``"text"`` when text blocks are parsed."""
    id: Optional[str]
    """The tool use's id."""
    name: Optional[str]
    """The tool's name."""
    value: Any
    """The partial value (``None`` until something shows): the parser's live
    object, updated in place by later events. Copy it to keep a version. A
    tool use whose input streamed nothing ends as ``{}``, as in the SDK."""
    complete: bool
    """True once the block ended holding one whole value."""
    done: bool
    """True for the block's last update (its ``content_block_stop``, or the
    end of the stream)."""


def partials(
    stream: Any,
    *,
    text: bool = False,
    lenient: bool = False,
    partial_mode: Any = "on",
) -> Union[Iterator[BlockPartial], AsyncIterator[BlockPartial]]:
    """The partial inputs of the tool-use blocks of a Messages stream, as
    they change.

    ``text``: parse text blocks as JSON too (JSON answers); with
    ``lenient`` that JSON may sit in prose or a code fence. Invalid JSON
    raises ``structream.JSONError`` naming the block. ``partial_mode`` is
    ``"on"`` as in the SDK (strings show once complete);
    ``"trailing-strings"`` shows them as they grow. Returns an async
    iterator for an async stream."""
    state = _State(text, lenient, partial_mode)
    return drive(stream, state.handle, state.finish)


class _State:
    def __init__(self, text: bool, lenient: bool, partial_mode: Any):
        self.text = text
        self.lenient = lenient
        self.channels = Channels(partial_mode)

    def handle(self, event: Any) -> List[BlockPartial]:
        kind = field(event, "type")
        index = field(event, "index")
        if kind == "content_block_start":
            block = field(event, "content_block")
            block_type = field(block, "type")
            if block_type in _INPUT_BLOCKS or (self.text and block_type == "text"):
                channel = self.channels.get(
                    index,
                    f"content block {index} ({block_type})",
                    self.lenient and block_type == "text",
                    {"index": index, "type": block_type, "id": field(block, "id"), "name": field(block, "name")},
                )
                if block_type == "text" and channel.feed(field(block, "text") or ""):
                    return [_update(channel, False)]
            return []
        channel = self.channels.by_key.get(index) if index is not None else None
        if channel is None or channel.done:
            return []
        if kind == "content_block_delta":
            delta = field(event, "delta")
            delta_type = field(delta, "type")
            if delta_type == "input_json_delta":
                fragment = field(delta, "partial_json") or ""
            elif delta_type == "text_delta":
                fragment = field(delta, "text") or ""
            else:
                return []
            return [_update(channel, False)] if channel.feed(fragment) else []
        if kind == "content_block_stop":
            return [_end(channel)]
        return []

    def finish(self) -> List[BlockPartial]:
        return [_end(channel) for channel in self.channels.open()]


def _end(channel: Channel) -> BlockPartial:
    complete = channel.finish()
    if not channel.fed and channel.meta["type"] in _INPUT_BLOCKS:
        return _update(channel, True, value={}, complete=True)
    return _update(channel, True, complete=complete)


_SAME = object()


def _update(channel: Channel, done: bool, value: Any = _SAME, complete: Optional[bool] = None) -> BlockPartial:
    meta = channel.meta
    return BlockPartial(
        index=meta["index"],
        type=meta["type"],
        id=meta["id"],
        name=meta["name"],
        value=channel.parser.value if value is _SAME else value,
        complete=channel.parser.complete if complete is None else complete,
        done=done,
    )
