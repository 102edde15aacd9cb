"""What each field of a pydantic model asks of the partial builder.

Instructor decides, field by field and on every chunk, whether a value is a
nested model to validate or to build partially, what the items of a list
field are, and how an absent field is filled. Those answers depend on the
model only, so they are computed once per model class here, with Instructor's
own helper so that they agree with it.
"""

from __future__ import annotations

from enum import Enum
from typing import Any, NamedTuple, get_args, get_origin

from pydantic import BaseModel
from instructor.v2.dsl.partial import _unwrap_optional_base_model

# Defaults that pydantic's ``get_default`` hands out as they are (it deep-copies
# others), so one object serves every partial model.
_IMMUTABLE = (type(None), bool, int, float, str, bytes, Enum)


class Field(NamedTuple):
    """One field of a model, as the builder needs it."""

    name: str
    model: type[BaseModel] | None
    """The nested model of the field (``Model`` or ``Optional[Model]``), else None."""
    item_model: type[BaseModel] | None
    """The model of the items of a ``list[Model]`` field, else None."""
    empty: type[BaseModel] | None
    """When absent: for a field annotated with a model class, an empty partial
    of it."""
    required: bool
    """When absent (and ``empty`` is None): None if required."""
    default: Any
    """When absent and optional: the default, or ``info`` to call for one."""
    info: Any
    """The pydantic ``FieldInfo``."""


class Plan(NamedTuple):
    """The fields of one model, by name, in the model's order."""

    fields: dict[str, Field]
    plain: bool
    """Whether ``model_construct`` of a value for every field reduces to
    setting the instance's dict: no aliases, no extra members kept, no
    private attributes or post-init hook, not a root model."""


_PLANS: dict[type, Plan] = {}


def plan(model: type[BaseModel]) -> Plan:
    """The plan of ``model``, computed on first use."""
    found = _PLANS.get(model)
    if found is None:
        found = _PLANS[model] = _make_plan(model)
    return found


def _make_plan(model: type[BaseModel]) -> Plan:
    fields: dict[str, Field] = {}
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
        empty = (
            annotation
            if isinstance(annotation, type) and issubclass(annotation, BaseModel)
            else None
        )
        default: Any = info
        if info.default_factory is None and isinstance(info.default, _IMMUTABLE):
            default = info.default
        fields[name] = Field(
            name, nested, item_model, empty, info.is_required(), default, info
        )
    plain = (
        not getattr(model, "__pydantic_root_model__", False)
        and not getattr(model, "__pydantic_post_init__", None)
        and not getattr(model, "__private_attributes__", None)
        and model.model_config.get("extra") != "allow"
        and all(
            info.alias is None and info.validation_alias is None
            for info in model.model_fields.values()
        )
    )
    return Plan(fields, plain)
