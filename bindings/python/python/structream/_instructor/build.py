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

from itertools import islice
from typing import Any

from pydantic import BaseModel

from structream import PartialJSON

from .fields import Plan, plan

_setattr = object.__setattr__


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
        # id(dict) -> (dict, built members) for the completed members of open
        # objects.
        self._members: dict[int, tuple[dict, dict]] = {}

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
            self._members.pop(id(value), None)
            self._prefix.pop(id(value), None)
        return done[1]

    def model(
        self, data: Any, model: type[BaseModel], pointer: str, is_open: bool
    ) -> Any:
        """The partial ``model`` of ``data`` (as ``_build_partial_object``)."""
        if data is None:
            return None
        if not isinstance(data, dict):
            return self.raw(data, pointer, is_open)
        found = plan(model)
        fields = found.fields
        if not is_open:
            done = self._done.get(id(data))
            if done is None:
                result = {
                    name: self._member(value, fields.get(name), "", False)
                    for name, value in data.items()
                }
                done = (data, self._construct(model, found, result))
                self._done[id(data)] = done
                self._members.pop(id(data), None)
            return done[1]
        if not data:
            return self._construct(model, found, {})
        # Every member but the last is complete: built once, kept while the
        # object is open.
        entry = self._members.get(id(data))
        if entry is None:
            entry = self._members[id(data)] = (data, {})
        built = entry[1]
        count = len(data) - 1
        if len(built) < count:
            for name in islice(data, len(built), count):
                built[name] = self._member(data[name], fields.get(name), "", False)
        result = built.copy()
        last = next(reversed(data))
        child = _child(pointer, last)
        value = data[last]
        result[last] = self._member(value, fields.get(last), child, self._open(value, child))
        return self._construct(model, found, result)

    def _member(self, value: Any, field: Any, pointer: str, is_open: bool) -> Any:
        """One member of an object, as ``_build_partial_object`` builds it."""
        if value is None:
            return None
        if field is not None and field.model is not None and not is_open:
            return self._validated(value, field.model)
        if isinstance(value, dict):
            if field is not None and field.model is not None:
                return self.model(value, field.model, pointer, is_open)
            return self.raw(value, pointer, is_open)
        if isinstance(value, list):
            item_model = field.item_model if field is not None else None
            return self.items(value, item_model, pointer, is_open)
        if is_open:
            return self._tail(value, pointer)
        return value

    def _construct(
        self, model: type[BaseModel], found: Plan, result: dict[str, Any]
    ) -> Any:
        """``model.model_construct(**result)`` once the fields absent from the
        JSON are filled: an empty partial, None or the default."""
        values = {}
        for name, field in found.fields.items():
            if name in result:
                values[name] = result[name]
            elif field.empty is not None:
                values[name] = self.model({}, field.empty, "", True)
            elif field.required:
                values[name] = None
            elif field.default is field.info:
                values[name] = field.info.get_default(call_default_factory=True)
            else:
                values[name] = field.default
        if not found.plain:
            # Members the model does not know go to model_construct too.
            result.update(values)
            return model.model_construct(**result)
        instance = model.__new__(model)
        _setattr(instance, "__dict__", values)
        _setattr(instance, "__pydantic_fields_set__", set(values))
        _setattr(instance, "__pydantic_extra__", None)
        _setattr(instance, "__pydantic_private__", None)
        return instance

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
