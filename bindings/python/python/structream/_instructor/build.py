"""Instructor's partial models, built from the document's live value.

Instructor 1.17 (``instructor.v2.dsl.partial._build_partial_object``) rebuilds
the whole model tree from a fresh parse on every chunk: a nested model whose
JSON is complete is validated, an incomplete one is made with
``model_construct``, list items likewise, and missing fields are filled with
``None`` or their defaults. ``Builder`` makes the same objects with the same
calls, but

- completeness is the document's node state (a value is complete once its
  closing bracket is read), not a sibling heuristic over a second parse;
- whatever is built for a completed subtree (a validated model, a list of
  them, a raw dict) is kept and handed out again, so each completed item is
  validated once;
- in a container that is still open, every child but the last is complete,
  so a chunk rebuilds only the models along the open path, and an open list
  is its built prefix plus its last item.

The document's value is one live object updated in place. Completed subtrees
never change, so they are shared with the models; open containers that end
up in a model as raw values are copied along their open spine, so a model
handed out earlier keeps what it showed.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from structream import PartialJSON

from .fields import plan


def _child(pointer: str, key: str) -> str:
    """The JSON Pointer of member ``key`` under ``pointer``."""
    if "~" in key or "/" in key:
        key = key.replace("~", "~0").replace("/", "~1")
    return f"{pointer}/{key}"


class Builder:
    """Builds the partial model of one stream's document, chunk after chunk."""

    def __init__(self, doc: PartialJSON, kwargs: dict[str, Any]) -> None:
        self.doc = doc
        self.kwargs = kwargs
        self.trim = 0
        """Whitespace characters at the end of the text read so far.

        Instructor strips the text before parsing it, so a string still open
        at the end of the text shows without its trailing whitespace."""
        # id(node) -> (node, built) for completed nodes; the node is held so
        # that its id stays its own.
        self._done: dict[int, tuple[Any, Any]] = {}
        # id(list) -> (list, built items) for the completed items of open lists.
        self._prefix: dict[int, tuple[list, list]] = {}

    def _open(self, value: Any, pointer: str) -> bool:
        """Whether ``value``, the last child of an open container, counts as open.

        A container is open until its closing bracket is read. A scalar in
        last place counts as open, as in Instructor: nothing after it shows
        yet that it ended."""
        if isinstance(value, (dict, list)):
            return self.doc.state(pointer) != "complete"
        return True

    def _tail(self, value: Any, pointer: str) -> Any:
        """A scalar in last place of an open container, as Instructor shows it."""
        if (
            self.trim
            and isinstance(value, str)
            and self.doc.state(pointer) != "complete"
        ):
            return value[: len(value) - self.trim]
        return value

    def _validated(self, value: Any, model: type[BaseModel]) -> Any:
        """``model.model_validate(value)``, once per completed node."""
        if not isinstance(value, (dict, list)):
            return model.model_validate(value, **self.kwargs)
        done = self._done.get(id(value))
        if done is None:
            done = (value, model.model_validate(value, **self.kwargs))
            self._done[id(value)] = done
        return done[1]

    def model(
        self, data: Any, model: type[BaseModel], pointer: str, is_open: bool
    ) -> Any:
        """The partial ``model`` of ``data`` (as ``_build_partial_object``)."""
        if data is None:
            return None
        if not isinstance(data, dict):
            return self.raw(data, pointer, is_open)
        if not is_open:
            done = self._done.get(id(data))
            if done is not None:
                return done[1]
        fields = plan(model).fields
        last = next(reversed(data)) if is_open and data else None
        result: dict[str, Any] = {}
        for name, value in data.items():
            if value is None:
                result[name] = None
                continue
            field = fields.get(name)
            child_open = False
            child = ""
            if is_open and name == last:
                child = _child(pointer, name)
                child_open = self._open(value, child)
            if field is not None and field.model is not None and not child_open:
                result[name] = self._validated(value, field.model)
            elif isinstance(value, dict):
                if field is not None and field.model is not None:
                    result[name] = self.model(value, field.model, child, child_open)
                else:
                    result[name] = self.raw(value, child, child_open)
            elif isinstance(value, list):
                item_model = field.item_model if field is not None else None
                result[name] = self.items(value, item_model, child, child_open)
            elif child:
                result[name] = self._tail(value, child)
            else:
                result[name] = value
        self._fill(model, result)
        built = model.model_construct(**result)
        if not is_open:
            self._done[id(data)] = (data, built)
        return built

    def _fill(self, model: type[BaseModel], result: dict[str, Any]) -> None:
        """Fields absent from the JSON: an empty partial, None or the default."""
        for missing in plan(model).missing:
            if missing.name in result:
                continue
            if missing.model is not None:
                result[missing.name] = self.model({}, missing.model, "", True)
            elif missing.info.is_required():
                result[missing.name] = None
            else:
                result[missing.name] = missing.info.get_default(
                    call_default_factory=True
                )

    def items(
        self,
        items: list,
        item_model: type[BaseModel] | None,
        pointer: str,
        is_open: bool,
    ) -> list:
        """The partial list (as ``_build_partial_list``)."""
        if not is_open:
            done = self._done.get(id(items))
            if done is not None:
                return done[1]
        count = len(items)
        closed = count if not is_open else count - 1
        if count == 0:
            built: list = []
        else:
            key = id(items)
            entry = self._prefix.get(key)
            if entry is None:
                entry = self._prefix[key] = (items, [])
            prefix = entry[1]
            for index in range(len(prefix), closed):
                prefix.append(self._item(items[index], item_model, "", False))
            built = prefix.copy()
            if closed < count:
                child = f"{pointer}/{closed}"
                last = items[closed]
                built.append(
                    self._item(last, item_model, child, self._open(last, child))
                )
        if not is_open:
            self._prefix.pop(id(items), None)
            self._done[id(items)] = (items, built)
        return built

    def _item(
        self, item: Any, item_model: type[BaseModel] | None, pointer: str, is_open: bool
    ) -> Any:
        if item_model is not None and isinstance(item, dict):
            if is_open:
                return self.model(item, item_model, pointer, True)
            return self._validated(item, item_model)
        return self.raw(item, pointer, is_open)

    def raw(self, value: Any, pointer: str, is_open: bool) -> Any:
        """``value`` as it shows now: shared when complete, else its open
        spine copied."""
        if not is_open:
            return value
        if not isinstance(value, (dict, list)):
            return self._tail(value, pointer)
        if isinstance(value, dict):
            copy: Any = dict(value)
            if copy:
                key = next(reversed(copy))
                child = _child(pointer, key)
                last = copy[key]
                copy[key] = self.raw(last, child, self._open(last, child))
        else:
            copy = list(value)
            if copy:
                child = f"{pointer}/{len(copy) - 1}"
                last = copy[-1]
                copy[-1] = self.raw(last, child, self._open(last, child))
        return copy
