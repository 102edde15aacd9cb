"""Type stubs of the extension module ``structream._structream``."""

from typing import Any, Iterable, List, Literal, Optional, Sequence, Tuple, Union

PartialMode = Union[Literal["off", "on", "trailing-strings"], bool]
NodeState = Literal["pending", "incomplete", "complete"]
DeltaOp = Literal["add", "replace", "append"]

class JSONError(ValueError):
    """Invalid JSON, with the command line's message and its position."""

    byte: int
    """0-based byte offset of the problem in everything fed (UTF-8 bytes for str input)."""
    line: int
    """1-based line of ``byte``."""
    column: int
    """1-based column of ``byte``, counted in bytes."""

class PartialJSON:
    """A JSON value that streams in: feed it chunks, read the value at any time."""

    def __init__(
        self,
        partial_mode: Optional[PartialMode] = "trailing-strings",
        items: Optional[Sequence[str]] = None,
        lenient: bool = False,
        deltas: bool = False,
        repair: Union[bool, Iterable[str], None] = None,
        non_finite: Literal["null", "string", "error"] = "null",
    ) -> None:
        """``repair=True`` repairs almost-JSON as it streams (unescaped quotes,
        single quotes, keys and words without quotes, comments, Python
        literals, trailing or missing commas, wrong brackets ...), every kind
        of ``REPAIR_KINDS``; an iterable of kind names repairs only those.
        ``non_finite`` says what ``NaN`` and the infinities become."""
    def feed(self, chunk: Union[bytes, bytearray, str]) -> bool:
        """Feeds a chunk, split anywhere; True when the visible value changed.

        Raises ``JSONError`` on invalid input, and again on every later call."""
    def finish(self, strict: bool = False) -> bool:
        """Ends the input; True when it held one whole value.

        With ``strict=True`` incomplete input raises ``JSONError``."""
    @property
    def value(self) -> Any:
        """The visible value, ``None`` until something shows: one live object
        updated in place by later chunks (completed subtrees never change)."""
    def snapshot(self) -> Any:
        """A copy of the visible value that later chunks leave alone, sharing
        every completed subtree with ``value``."""
    @property
    def items(self) -> List[Any]:
        """Items of the selected arrays that closed during the last feed."""
    @property
    def closed_items(self) -> List[Tuple[str, int, Any]]:
        """``(array pointer, index, value)`` of each item closed during the last feed."""
    @property
    def deltas(self) -> List[Tuple[DeltaOp, str, Any]]:
        """The last feed's changes; needs ``PartialJSON(deltas=True)``."""
    def state(self, pointer: str) -> Optional[NodeState]:
        """Completion state of the node at a JSON Pointer; ``None`` for no such node."""
    def json(self) -> Optional[str]:
        """The visible value as compact JSON text, or ``None``."""
    @property
    def complete(self) -> bool:
        """Whether the whole value has been read."""
    @property
    def offset(self) -> int:
        """Bytes consumed so far."""
    @property
    def partial_mode(self) -> Literal["off", "on", "trailing-strings"]:
        """The partial mode, as a string."""
    @property
    def repairs(self) -> List[Tuple[str, int]]:
        """Every repair made so far, in input order: ``(kind, byte offset)``."""

REPAIR_KINDS: List[str]
"""The names of the repair kinds ``PartialJSON(repair=[...])`` takes."""

class StreamError(Exception):
    """A provider stream that did not end well (see the two subclasses)."""

class ProviderError(StreamError):
    """An error the provider sent in the stream."""

    message: str
    """The provider's message."""
    kind: Optional[str]
    """The provider's error type (``overloaded_error``, ``invalid_request_error`` ...)."""
    code: Optional[str]
    """The provider's error code (``rate_limit_exceeded`` ...)."""
    status: Optional[int]
    """The HTTP status, for an error status."""

class StreamDecodeError(StreamError):
    """Bytes that are not a stream of the protocol, or a stream cut off."""

    offset: int
    """Byte offset of the problem in the body."""
    eof: bool
    """True for a stream that stopped before its end (a dropped connection)."""

class PartialUpdate:
    """One change of a JSON value of a provider stream (``decode_partials``)."""

    @property
    def choice(self) -> int:
        """The choice (0 but for OpenAI ``n > 1`` streams)."""
    @property
    def index(self) -> int:
        """The provider's index of the tool call; the choice for its text."""
    @property
    def call(self) -> Optional[int]:
        """The call's ordinal among its choice's tool calls; None for text."""
    @property
    def id(self) -> Optional[str]:
        """The tool call's id, where the provider gives one."""
    @property
    def name(self) -> Optional[str]:
        """The tool's name; None for text."""
    @property
    def value(self) -> Any:
        """The partial value (None until something shows): the channel's live
        ``PartialJSON.value``, updated in place by later events."""
    @property
    def done(self) -> bool:
        """True for the channel's last update: its value is complete."""
    @property
    def items(self) -> Tuple[Any, ...]:
        """Items of the ``items=`` arrays that closed with this event."""

class StreamReader:
    """The driver of ``structream.providers``: feed body chunks, iterate the
    output, then ``check()``. Use ``decode_events`` / ``decode_partials``."""

    def __init__(
        self,
        protocol: str,
        partials: bool = False,
        partial_mode: Optional[PartialMode] = "trailing-strings",
        items: Optional[Sequence[str]] = None,
    ) -> None: ...
    def feed(self, chunk: Union[bytes, bytearray, str]) -> None:
        """Decodes a chunk of the body, split anywhere; iterate for the output."""
    def finish(self) -> None:
        """Ends the body; iterate for the last output."""
    def __iter__(self) -> "StreamReader": ...
    def __next__(self) -> Any: ...
    @property
    def failed(self) -> bool:
        """Decoding stopped; ``check()`` raises why."""
    def check(self) -> None:
        """Raises the stream's error (``ProviderError``, ``StreamDecodeError``,
        ``JSONError``), if it had one."""
