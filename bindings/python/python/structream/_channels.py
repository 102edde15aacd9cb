"""What the SDK stream helpers share: one PartialJSON per channel (a tool
call, a choice's content, a content block), and one driver for sync and
async streams."""

from typing import Any, AsyncIterator, Callable, Dict, Hashable, Iterable, Iterator, List, Optional, TypeVar, Union

from ._structream import JSONError, PartialJSON

U = TypeVar("U")


class Channel:
    """One JSON value streaming in over a channel of an SDK stream."""

    __slots__ = ("parser", "label", "fed", "done", "meta")

    def __init__(self, label: str, partial_mode: Any, lenient: bool, meta: Dict[str, Any]):
        self.parser = PartialJSON(partial_mode=partial_mode, lenient=lenient)
        self.label = label
        self.fed = False
        self.done = False
        self.meta = meta

    def feed(self, text: str) -> bool:
        """Feeds a fragment; True when the visible value changed."""
        if not text:
            return False
        self.fed = True
        try:
            return self.parser.feed(text)
        except JSONError as e:
            raise _labelled(self.label, e) from e

    def finish(self) -> bool:
        """Ends the channel; True when it held one whole value."""
        self.done = True
        try:
            return self.parser.finish()
        except JSONError as e:
            raise _labelled(self.label, e) from e


def _labelled(label: str, e: JSONError) -> JSONError:
    err = JSONError(f"{label}: {e}")
    err.byte, err.line, err.column = e.byte, e.line, e.column  # type: ignore[misc]
    return err


class Channels:
    """The channels of one stream, by key, in the order they opened."""

    def __init__(self, partial_mode: Any):
        self.partial_mode = partial_mode
        self.by_key: Dict[Hashable, Channel] = {}

    def get(self, key: Hashable, label: str, lenient: bool, meta: Dict[str, Any]) -> Channel:
        channel = self.by_key.get(key)
        if channel is None:
            channel = Channel(label, self.partial_mode, lenient, meta)
            self.by_key[key] = channel
        return channel

    def open(self) -> List[Channel]:
        """The channels not finished yet."""
        return [c for c in self.by_key.values() if not c.done]


def drive(
    stream: Any,
    handle: Callable[[Any], Iterable[U]],
    finish: Callable[[], Iterable[U]],
) -> Union[Iterator[U], AsyncIterator[U]]:
    """Iterates `stream` (sync or async) through `handle`, then `finish`;
    a stream that is async only gives an async iterator."""
    if getattr(stream, "__aiter__", None) is not None and getattr(stream, "__iter__", None) is None:
        return _drive_async(stream, handle, finish)
    return _drive_sync(stream, handle, finish)


def _drive_sync(stream: Any, handle: Callable[[Any], Iterable[U]], finish: Callable[[], Iterable[U]]) -> Iterator[U]:
    for event in stream:
        yield from handle(event)
    yield from finish()


async def _drive_async(
    stream: Any, handle: Callable[[Any], Iterable[U]], finish: Callable[[], Iterable[U]]
) -> AsyncIterator[U]:
    async for event in stream:
        for update in handle(event):
            yield update
    for update in finish():
        yield update


def field(obj: Any, name: str, default: Optional[Any] = None) -> Any:
    """An attribute of an SDK object, or a key of its dict form."""
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)
