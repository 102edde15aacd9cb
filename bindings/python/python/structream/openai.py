"""Partial values of openai-python's Chat Completions streams, at O(n).

openai-python's ``chat.completions.stream()`` re-parses each tool call's
whole argument text (and a JSON answer's whole content) with jiter on every
chunk to fill ``parsed_arguments`` / ``parsed``: O(n²) over a stream.
``partials`` computes the same partial values incrementally::

    from openai import OpenAI
    from structream.openai import partials

    stream = OpenAI().chat.completions.create(model=..., messages=..., tools=..., stream=True)
    for update in partials(stream):
        print(update.choice, update.tool_call, update.name, update.value)

It takes what ``create(..., stream=True)`` returns (``Stream`` or
``AsyncStream``: iterate the result with ``async for``), or the stream of
``chat.completions.stream()`` (only its ``chunk`` events are read; that
stream still does its own per-chunk parsing, so ``create(stream=True)`` is
the O(n) path). Responses API streams (``responses.create(...,
stream=True)``) work too: each ``function_call`` output item is a tool call
(``choice`` 0, ``tool_call`` the item's output index, ``id`` its
``call_id``), and with ``content=True`` each output text is parsed as JSON.
The SDK itself is not imported.
"""

from dataclasses import dataclass
from typing import Any, AsyncIterator, Iterator, List, Optional, Union

from ._channels import Channel, Channels, drive, field

__all__ = ["ChatPartial", "partials"]


@dataclass(frozen=True)
class ChatPartial:
    """The partial value of one tool call's arguments, or of a choice's
    content, after a chunk that changed it (or at its end)."""

    choice: int
    """The choice's index (``n > 1`` streams interleave choices)."""
    tool_call: Optional[int]
    """The tool call's index within the choice; ``None`` for the content."""
    id: Optional[str]
    """The tool call's id."""
    name: Optional[str]
    """The function's name."""
    value: Any
    """The partial value (``None`` until something shows): the parser's live
    object, updated in place by later chunks. Copy it to keep a version."""
    complete: bool
    """True once the channel ended holding one whole value."""
    done: bool
    """True for the channel's last update (its choice finished or the
    stream ended)."""


def partials(
    stream: Any,
    *,
    tools: bool = True,
    content: bool = False,
    lenient: bool = False,
    partial_mode: Any = "on",
) -> Union[Iterator[ChatPartial], AsyncIterator[ChatPartial]]:
    """The partial values of a Chat Completions stream, as they change.

    ``tools``: parse each tool call's arguments. ``content``: parse each
    choice's content as JSON (``response_format`` JSON answers); with
    ``lenient`` the JSON may sit in prose or a code fence. Invalid JSON
    raises ``structream.JSONError`` naming the choice and tool call.
    ``partial_mode`` is ``"on"`` as in the SDK (strings show once
    complete); ``"trailing-strings"`` shows them as they grow. Returns an
    async iterator for an async stream."""
    state = _State(tools, content, lenient, partial_mode)
    return drive(stream, state.handle, state.finish)


class _State:
    def __init__(self, tools: bool, content: bool, lenient: bool, partial_mode: Any):
        self.tools = tools
        self.content = content
        self.lenient = lenient
        self.channels = Channels(partial_mode)

    def handle(self, event: Any) -> List[ChatPartial]:
        chunk = event
        if field(event, "choices") is None:
            kind = field(event, "type") or ""
            if kind.startswith("response."):
                return self._response_event(kind, event)
            if kind != "chunk":
                return []
            chunk = field(event, "chunk")
        updates: List[ChatPartial] = []
        for choice in field(chunk, "choices") or ():
            index = field(choice, "index", 0)
            delta = field(choice, "delta")
            if delta is not None:
                self._delta(index, delta, updates)
            if field(choice, "finish_reason") is not None:
                for key, channel in list(self.channels.by_key.items()):
                    if key[0] == index and not channel.done:
                        updates.append(_end(channel))
        return updates

    def _delta(self, index: int, delta: Any, updates: List[ChatPartial]) -> None:
        text = field(delta, "content")
        if self.content and text:
            channel = self.channels.get(
                (index, None), f"choice {index} content", self.lenient, {"choice": index, "tool_call": None}
            )
            if channel.feed(text):
                updates.append(_update(channel, False))
        if not self.tools:
            return
        for position, call in enumerate(field(delta, "tool_calls") or ()):
            # Some OpenAI-compatible servers leave out the index: the
            # call's place in the list stands for it.
            n = field(call, "index")
            if n is None:
                n = position
            channel = self.channels.get(
                (index, n), f"choice {index} tool call {n}", False, {"choice": index, "tool_call": n}
            )
            call_id = field(call, "id")
            if call_id:
                channel.meta["id"] = call_id
            function = field(call, "function")
            if function is None:
                continue
            name = field(function, "name")
            if name:
                channel.meta["name"] = name
            if channel.feed(field(function, "arguments") or ""):
                updates.append(_update(channel, False))

    def _response_event(self, kind: str, event: Any) -> List[ChatPartial]:
        """A Responses API event: function-call arguments by output item,
        output texts with `content`."""
        index = field(event, "output_index")
        if kind == "response.output_item.added":
            item = field(event, "item")
            if field(item, "type") != "function_call" or not self.tools:
                return []
            channel = self.channels.get(
                ("response", index), f"output item {index} function call", False, {"choice": 0, "tool_call": index}
            )
            channel.meta["id"] = field(item, "call_id")
            channel.meta["name"] = field(item, "name")
            return [_update(channel, False)] if channel.feed(field(item, "arguments") or "") else []
        if kind == "response.output_text.delta" and self.content:
            channel = self.channels.get(
                ("response text", index), f"output item {index} text", self.lenient, {"choice": 0, "tool_call": None}
            )
            return [_update(channel, False)] if channel.feed(field(event, "delta") or "") else []
        channel = self.channels.by_key.get(("response", index))
        if channel is None or channel.done:
            channel = self.channels.by_key.get(("response text", index))
            if kind == "response.output_item.done" and channel is not None and not channel.done:
                return [_end(channel)]
            return []
        if kind == "response.function_call_arguments.delta":
            return [_update(channel, False)] if channel.feed(field(event, "delta") or "") else []
        if kind in ("response.function_call_arguments.done", "response.output_item.done"):
            # Some servers send the arguments whole, only at the end.
            whole = field(event, "arguments") if kind.endswith("arguments.done") else field(field(event, "item"), "arguments")
            if not channel.fed and whole:
                channel.feed(whole)
            return [_end(channel)]
        return []

    def finish(self) -> List[ChatPartial]:
        return [_end(channel) for channel in self.channels.open()]


def _end(channel: Channel) -> ChatPartial:
    channel.finish()
    return _update(channel, True)


def _update(channel: Channel, done: bool) -> ChatPartial:
    meta = channel.meta
    return ChatPartial(
        choice=meta["choice"],
        tool_call=meta["tool_call"],
        id=meta.get("id"),
        name=meta.get("name"),
        value=channel.parser.value,
        complete=channel.parser.complete,
        done=done,
    )
