"""What each field of a pydantic model asks of the partial builder.

Instructor decides, field by field and on every chunk, whether a value is a
nested model to validate or to build partially, and what the items of a list
field are. Those answers depend on the model only, so they are computed once
per model class here, with Instructor's own helper so that they agree with it.
"""

from __future__ import annotations

from typing import Any, NamedTuple, get_args, get_origin

from pydantic import BaseModel
from instructor.v2.dsl.partial import _unwrap_optional_base_model


class Field(NamedTuple):
    """One field of a model, as the builder needs it."""

    model: type[BaseModel] | None
    """The nested model of the field (``Model`` or ``Optional[Model]``), else None."""
    item_model: type[BaseModel] | None
    """The model of the items of a ``list[Model]`` field, else None."""


class Missing(NamedTuple):
    """How a field absent from the JSON is filled in a partial model."""

    name: str
    model: type[BaseModel] | None
    """Set for a field annotated with a model class: an empty partial of it."""
    info: Any
    """The pydantic ``FieldInfo``: None when required, else its default."""


class Plan(NamedTuple):
    """The fields of one model, looked up by name, and the order to fill them."""

    fields: dict[str, Field]
    missing: tuple[Missing, ...]


_PLANS: dict[type, Plan] = {}


def plan(model: type[BaseModel]) -> Plan:
    """The plan of ``model``, computed on first use."""
    found = _PLANS.get(model)
    if found is None:
        found = _PLANS[model] = _make_plan(model)
    return found


def _make_plan(model: type[BaseModel]) -> Plan:
    fields: dict[str, Field] = {}
    missing: list[Missing] = []
    for name, info in model.model_fields.items():
        annotation = info.annotation
        item_model = None
        if annotation is not None and get_origin(annotation) is list:
            args = get_args(annotation)
            if args:
                item_model = _unwrap_optional_base_model(args[0])
        nested = (
            _unwrap_optional_base_model(annotation) if annotation is not None else None
        )
        fields[name] = Field(nested, item_model)
        direct = (
            annotation
            if isinstance(annotation, type) and issubclass(annotation, BaseModel)
            else None
        )
        missing.append(Missing(name, direct, info))
    return Plan(fields, tuple(missing))
