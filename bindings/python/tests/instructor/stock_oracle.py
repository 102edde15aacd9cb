"""Stock Instructor as the reference for the patched streaming path.

``stock_partials`` runs Instructor's own ``model_from_chunks`` (installed or
not, the original function is called). ``reference_partials`` runs
Instructor's own ``process_potential_object`` on every prefix with the two
inputs the patched path deliberately changes, computed here by a small,
obviously slow scanner of the prefix:

- a number still being written at the end of the prefix (it may go on), or
  a literal not yet spelled out, is cut off (the patched path shows numbers and literals once complete);
- completeness is exact: a container is complete once its closing bracket is
  in the prefix (Instructor's tracker waits for a next sibling).

Everything else (jiter's partial strings, the strip of the text, the partial
model building, validation) is Instructor's own code.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from typing import Any, Iterator, List, Optional, Set, Tuple

import instructor.v2.dsl.partial as stock_partial
from instructor.v2.dsl.iterable import IterableBase
from instructor.v2.dsl.partial import PartialBase
from pydantic import BaseModel

STOCK_MODEL_FROM_CHUNKS = PartialBase.__dict__["model_from_chunks"].__func__
STOCK_TASKS_FROM_CHUNKS = IterableBase.__dict__["tasks_from_chunks"].__func__


class _Cut(Exception):
    pass


def scan(text: str) -> Tuple[Set[str], Optional[int]]:
    """The containers of a JSON prefix that are complete, named as
    Instructor's tracker names paths (``a.b[0]``), and where a number or
    literal cut by the end of the prefix starts (None if none is)."""
    complete: Set[str] = set()
    cut: List[int] = []
    i = 0
    n = len(text)

    def skip() -> None:
        nonlocal i
        while i < n and text[i] in " \t\n\r":
            i += 1
        if i >= n:
            raise _Cut

    def string() -> str:
        nonlocal i
        start = i
        i += 1
        while i < n:
            if text[i] == "\\":
                i += 2
            elif text[i] == '"':
                i += 1
                return json.loads(text[start:i])
            else:
                i += 1
        raise _Cut

    def value(path: str) -> None:
        nonlocal i
        skip()
        c = text[i]
        if c in "{[":
            i += 1
            index = 0
            while True:
                skip()
                if text[i] in "}]":
                    i += 1
                    complete.add(path)
                    return
                if text[i] == ",":
                    i += 1
                    skip()
                if c == "{":
                    key = string()
                    skip()
                    i += 1  # the colon
                    value(f"{path}.{key}" if path else key)
                else:
                    value(f"{path}[{index}]")
                    index += 1
        elif c == '"':
            string()
        else:
            start = i
            while i < n and text[i] not in " \t\n\r,]}":
                i += 1
            if i >= n and text[start:] not in ("true", "false", "null"):
                cut.append(start)
                raise _Cut

    try:
        value("")
    except _Cut:
        pass
    return complete, (cut[0] if cut else None)


class _ExactTracker:
    """Instructor's ``JsonCompleteness`` interface over ``scan``."""

    def analyze(self, json_str: str) -> None:
        self.paths, _ = scan(json_str)

    def is_path_complete(self, path: str) -> bool:
        return path in self.paths

    def is_root_complete(self) -> bool:
        return "" in self.paths


@contextmanager
def _exact_tracker() -> Iterator[None]:
    saved = stock_partial.JsonCompleteness
    stock_partial.JsonCompleteness = _ExactTracker
    try:
        yield
    finally:
        stock_partial.JsonCompleteness = saved


def stock_partials(partial: Any, chunks: List[str], **kwargs: Any) -> List[Any]:
    """What stock Instructor yields for ``chunks``."""
    return list(STOCK_MODEL_FROM_CHUNKS(partial, chunks, **kwargs))


def reference_partials(partial: Any, chunks: List[str], **kwargs: Any) -> List[Any]:
    """Instructor's models for each prefix, with exact completeness and no
    half-written numbers or literals."""
    partial_model = partial.get_partial_model()
    text = ""
    out = []
    with _exact_tracker():
        for chunk in chunks:
            text += stock_partial.remove_control_chars(chunk)
            _, cut = scan(text)
            stripped = (text if cut is None else text[:cut]).strip()
            out.append(
                stock_partial.process_potential_object(
                    stripped, "trailing-strings", partial_model, **kwargs
                )
            )
    return out


def same(a: Any, b: Any) -> bool:
    """Equal values of the same types, models with the same fields set."""
    if isinstance(a, BaseModel) or isinstance(b, BaseModel):
        return (
            type(a) is type(b)
            and a.model_fields_set == b.model_fields_set
            and same(a.__dict__, b.__dict__)
            and same(a.__pydantic_extra__, b.__pydantic_extra__)
        )
    if isinstance(a, dict):
        return (
            type(a) is type(b)
            and list(a) == list(b)
            and all(same(a[k], b[k]) for k in a)
        )
    if isinstance(a, list):
        return (
            type(a) is type(b)
            and len(a) == len(b)
            and all(same(x, y) for x, y in zip(a, b))
        )
    return type(a) is type(b) and a == b
