"""The ``Iterable[Model]`` stream: each task validated once, as it closes.

Replaces ``IterableBase.tasks_from_chunks`` and ``tasks_from_chunks_async``
of Instructor 1.17, which append each chunk to a buffer and rescan that
buffer from its start with a brace counter on every chunk. Here each chunk is
fed once to a lenient ``PartialJSON`` that reports the items of the arrays it
selects as they close, and each object item is handed to the class's own
``extract_cls_task_type`` (so unions and validation work as in Instructor).

The tasks are the object items of the root array (``[{...}, ...]``) or of the
arrays held by the root object's members (``{"tasks": [{...}, ...]}``), in
order. A root object that holds no array at all is itself the one task, as in
Instructor. Prose before the value and markdown fences around it are skipped
(Instructor's brace counter skips them too); text after it is ignored.

Where Instructor's brace counter and this differ: it starts at the first
``[`` of any chunk, even one inside a string; it also yields objects at the
same brace depth that are not array items (the value of a member after the
array) and the objects of arrays nested deeper than a root member. Invalid
JSON raises ``structream.JSONError`` with its position instead of being cut
by the brace counter.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

from structream import PartialJSON


def _holds_list(value: Any) -> bool:
    """Whether a list appears anywhere in ``value``."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            return True
        if isinstance(node, dict):
            stack.extend(node.values())
    return False


class TaskStream:
    """The state of one ``tasks_from_chunks`` call."""

    def __init__(self, cls: Any, kwargs: dict[str, Any]) -> None:
        self.cls = cls
        self.kwargs = kwargs
        self.doc = PartialJSON(partial_mode="off", items=["", "/*"], lenient=True)
        self.items = 0
        self.done = False

    def push(self, chunk: str) -> list[Any]:
        """Reads one chunk; returns the tasks that closed in it."""
        if self.done:
            return []
        self.doc.feed(chunk)
        tasks = []
        for _, _, item in self.doc.closed_items:
            self.items += 1
            if isinstance(item, dict):
                tasks.append(self._task(item))
        if self.doc.complete:
            self.done = True
            root = self.doc.value
            if self.items == 0 and isinstance(root, dict) and not _holds_list(root):
                tasks.append(self._task(root))
        return tasks

    def _task(self, item: dict) -> Any:
        return self.cls.extract_cls_task_type(json.dumps(item), **self.kwargs)


def tasks_from_chunks(cls: Any, json_chunks: Iterable[str], **kwargs: Any) -> Iterator[Any]:
    """``IterableBase.tasks_from_chunks`` on a ``PartialJSON``."""
    stream = TaskStream(cls, kwargs)
    for chunk in json_chunks:
        yield from stream.push(chunk)


async def tasks_from_chunks_async(
    cls: Any, json_chunks: AsyncIterator[str], **kwargs: Any
) -> AsyncIterator[Any]:
    """``IterableBase.tasks_from_chunks_async`` on a ``PartialJSON``."""
    stream = TaskStream(cls, kwargs)
    async for chunk in json_chunks:
        for task in stream.push(chunk):
            yield task
