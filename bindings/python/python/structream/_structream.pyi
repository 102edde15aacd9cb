"""Type stubs of the extension module ``structream._structream``."""

from typing import Any, List, Literal, Optional, Sequence, Tuple, Union

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
    ) -> None: ...
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
