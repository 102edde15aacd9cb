"""The ``Partial[Model]`` stream: one document fed once, one model per chunk.

Replaces ``PartialBase.model_from_chunks`` and ``model_from_chunks_async`` of
Instructor 1.17, which append each chunk to a string and then parse it three
times (partial, strict, partial again for the completeness tracker) and
rebuild every model. Here each chunk is fed once to a ``PartialJSON`` and the
``Builder`` rebuilds the open path only. What a chunk yields follows
Instructor's ``process_potential_object``:

- control characters are removed from every chunk before it is read;
- until something other than whitespace arrives the model is built from
  ``{}`` (every field ``None`` or its default);
- once the root value is complete (and has data) it is validated against the
  original model, once, and that model is yielded from then on;
- text after a complete root value is ignored, as Instructor's partial parse
  ignores it, but, as there, the root then no longer counts as complete: the
  model stays unvalidated and the end-of-stream validation is skipped;
- at the end, a root that is complete but was never validated (``{}``) is
  validated, so missing required fields raise as they do in Instructor.

Invalid JSON raises ``structream.JSONError`` (a ``ValueError``, as jiter's is)
at the chunk that holds the first bad byte.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

from structream import JSONError, PartialJSON

from .build import Builder

# Instructor's ``remove_control_chars``: U+0000-U+001F and U+007F-U+009F.
_CONTROL = dict.fromkeys([*range(0x20), *range(0x7F, 0xA0)])

# The keyword arguments Instructor passes to the root model's validation.
_VALIDATION_KEYS = frozenset(
    {"context", "strict", "extra", "from_attributes", "by_alias", "by_name"}
)


def _text(chunk: Any) -> str | None:
    """A chunk as Instructor reads it: None is skipped, others made ``str``."""
    if chunk is None or isinstance(chunk, str):
        return chunk
    try:
        return str(chunk)
    except Exception:
        return None


class PartialStream:
    """The state of one ``model_from_chunks`` call."""

    def __init__(self, cls: Any, kwargs: dict[str, Any]) -> None:
        partial_model = cls.get_partial_model()
        original = getattr(partial_model, "_original_model", None)
        self.original = original
        self.model = original if original is not None else partial_model
        self.kwargs = kwargs
        self.root_kwargs = {k: v for k, v in kwargs.items() if k in _VALIDATION_KEYS}
        self.doc = PartialJSON(partial_mode="trailing-strings")
        self.builder = Builder(self.doc, kwargs)
        self.fed: list[str] = []
        self.started = False
        self.trailing = False
        self.root: Any = None
        self.last: Any = None

    def push(self, chunk: str) -> Any:
        """Reads one chunk; returns the model to yield for it.

        A chunk that changes nothing Instructor would show (no visible change,
        no bracket or quote that could complete a node, the same trailing
        whitespace) yields the previous model again instead of an equal one."""
        chunk = chunk.translate(_CONTROL)
        if not self.started:
            chunk = chunk.lstrip()
            self.started = bool(chunk)
        changed = self.last is None
        if chunk:
            trim = self.builder.trim
            self._count_trailing(chunk)
            if self.doc.complete:
                trailing = self.trailing or not chunk.isspace()
                changed = changed or trailing != self.trailing
                self.trailing = trailing
            else:
                changed = self._feed(chunk) or changed
            changed = (
                changed
                or trim != self.builder.trim
                or "}" in chunk
                or "]" in chunk
                or '"' in chunk
            )
        if changed:
            self.last = self._current()
        return self.last

    def _count_trailing(self, chunk: str) -> None:
        """Keeps the count of whitespace characters ending the text read."""
        kept = len(chunk.rstrip())
        if kept:
            self.builder.trim = len(chunk) - kept
        else:
            self.builder.trim += len(chunk)

    def _feed(self, chunk: str) -> bool:
        """Feeds the document; True when its visible value may have changed."""
        self.fed.append(chunk)
        try:
            return self.doc.feed(chunk)
        except JSONError as error:
            self._after_value(error)
            return True

    def _after_value(self, error: JSONError) -> None:
        """Text the parser refused: fine if it follows a complete root value.

        The document refuses the whole chunk that held the bad byte, so the
        text up to that byte is read again into a new document."""
        text = "".join(self.fed).encode()
        doc = PartialJSON(partial_mode="trailing-strings")
        try:
            doc.feed(text[: error.byte])
        except JSONError:
            raise error from None
        if not doc.complete:
            raise error
        self.doc = doc
        trim = self.builder.trim
        self.builder = Builder(doc, self.kwargs)
        self.builder.trim = trim
        rest = text[error.byte :].decode("utf-8", "replace")
        self.trailing = bool(rest.strip())

    def _complete(self) -> bool:
        return self.doc.complete and not self.trailing

    def _current(self) -> Any:
        if self.root is not None and not self.trailing:
            return self.root
        value = self.doc.value
        if value is None and not self.started:
            value = {}
            complete = True
        else:
            complete = self._complete()
        has_data = bool(value) if isinstance(value, dict) else True
        if complete and has_data and self.original is not None:
            self.root = self.original.model_validate(value, **self.root_kwargs)
            return self.root
        return self.builder.model(value, self.model, "", not complete)

    def finish(self) -> None:
        """The end-of-stream validation of a complete root never validated."""
        if self.last is None or self.original is None or self.root is not None:
            return
        if not self.started:
            self.original.model_validate({}, **self.kwargs)
        elif self._complete():
            self.original.model_validate(self.doc.value, **self.kwargs)


def model_from_chunks(cls: Any, json_chunks: Iterable[Any], **kwargs: Any) -> Iterator[Any]:
    """``PartialBase.model_from_chunks`` on a ``PartialJSON``."""
    stream = PartialStream(cls, kwargs)
    for chunk in json_chunks:
        text = _text(chunk)
        if text is not None:
            yield stream.push(text)
    stream.finish()


async def model_from_chunks_async(
    cls: Any, json_chunks: AsyncIterator[Any], **kwargs: Any
) -> AsyncIterator[Any]:
    """``PartialBase.model_from_chunks_async`` on a ``PartialJSON``."""
    stream = PartialStream(cls, kwargs)
    async for chunk in json_chunks:
        text = _text(chunk)
        if text is not None:
            yield stream.push(text)
    stream.finish()
