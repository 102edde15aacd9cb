"""Instructor's streaming on structream: ``install()`` and ``uninstall()``.

Instructor's ``create_partial``, ``create_iterable`` and ``create(...,
stream=True)`` with ``Partial[...]`` / ``Iterable[...]`` response models end,
for every client and mode, in four class methods: ``model_from_chunks`` and
``model_from_chunks_async`` of ``PartialBase``, ``tasks_from_chunks`` and
``tasks_from_chunks_async`` of ``IterableBase``. Those re-parse the whole
answer on every chunk (Instructor 1.17 parses it three times and rebuilds
every nested model), so a 100 KB answer costs tens of seconds.
``install()`` replaces the four with versions that feed each chunk once to a
``PartialJSON`` and rebuild only the models along the still-open path. It
also wraps ``from_streaming_response`` (and ``_async``) of both classes so
that, for openai-python and anthropic-python streams, the answer's text is
read from the response's bytes by ``structream.providers`` instead of from
the SDK's per-event chunk models (see ``structream._instructor.raw`` for the
modes; other SDKs keep Instructor's own extraction)::

    import instructor
    import structream.instructor

    structream.instructor.install()
    client = instructor.from_openai(OpenAI())
    for user in client.chat.completions.create_partial(
        model="gpt-4.1-mini", response_model=User, messages=[...]
    ):
        print(user)

The models are the ones Instructor yields, chunk for chunk (the same count,
classes, field values and validation), with two deliberate differences:

- a number or ``true``/``false``/``null`` shows once it is complete: where
  Instructor shows ``age=3`` and then ``age=30``, the field stays ``None``
  until ``30`` is whole;
- a nested model (or list item) is validated as soon as its closing brace is
  read; Instructor waits until the next sibling's key shows, and until then
  builds it with ``model_construct``.

Completed parts (validated models, raw dicts) are shared between successive
models instead of being rebuilt, and a chunk that changes nothing Instructor
would show (part of a key, of a number, whitespace) yields the previous model
object again rather than an equal copy: treat the models as read-only. A
model handed out earlier keeps showing what it showed.

``Iterable[...]`` streams yield the same tasks as Instructor's for the shapes
models answer with (``{"tasks": [...]}``, a bare array, a single object,
with or without prose and markdown fences around it); see
``structream._instructor.tasks`` for where its brace counter and this differ.
Invalid JSON raises ``structream.JSONError`` (a ``ValueError``, as jiter's
error is) with its byte, line and column.

``uninstall()`` puts Instructor's own methods back, exactly as they were.
Only the Instructor versions in ``SUPPORTED_VERSIONS`` are patched; on any
other version ``install()`` raises ``RuntimeError`` and changes nothing.
"""

from __future__ import annotations

from importlib import metadata
from typing import Any

__all__ = ["SUPPORTED_VERSIONS", "install", "installed", "uninstall"]

SUPPORTED_VERSIONS: tuple[str, ...] = ("1.17.0",)
"""The Instructor releases whose streaming internals ``install()`` replaces."""

# (class, attribute) -> the class's own descriptor, while installed.
_saved: dict[tuple[type, str], Any] = {}


def _targets() -> list[tuple[type, str, Any]]:
    """(class, method name, replacement) of the four methods replaced."""
    from instructor.v2.dsl.iterable import IterableBase
    from instructor.v2.dsl.partial import PartialBase

    from ._instructor import partial, raw, tasks

    def bytes_reader(cls: type, name: str) -> tuple[type, str, Any]:
        original = cls.__dict__[name]
        return (cls, name, raw.reading_bytes(original, asynchronous=name.endswith("_async")))

    return [
        (PartialBase, "model_from_chunks", partial.model_from_chunks),
        (PartialBase, "model_from_chunks_async", partial.model_from_chunks_async),
        (IterableBase, "tasks_from_chunks", tasks.tasks_from_chunks),
        (IterableBase, "tasks_from_chunks_async", tasks.tasks_from_chunks_async),
        bytes_reader(PartialBase, "from_streaming_response"),
        bytes_reader(PartialBase, "from_streaming_response_async"),
        bytes_reader(IterableBase, "from_streaming_response"),
        bytes_reader(IterableBase, "from_streaming_response_async"),
    ]


def _check_version() -> None:
    try:
        version = metadata.version("instructor")
    except metadata.PackageNotFoundError:
        raise RuntimeError(
            "structream.instructor.install(): Instructor is not installed "
            f"(supported: instructor=={', '.join(SUPPORTED_VERSIONS)})"
        ) from None
    if version not in SUPPORTED_VERSIONS:
        raise RuntimeError(
            f"structream.instructor.install(): Instructor {version} is not "
            f"supported; this structream patches instructor "
            f"{' or '.join(SUPPORTED_VERSIONS)} only, whose streaming internals "
            "it replaces. Install a supported version, or leave Instructor "
            "unpatched."
        )


def install() -> None:
    """Runs Instructor's partial and iterable streaming on structream.

    Idempotent. Raises ``RuntimeError`` (changing nothing) when the installed
    Instructor is not one of ``SUPPORTED_VERSIONS``."""
    if _saved:
        return
    _check_version()
    targets = _targets()
    for cls, name, function in targets:
        _saved[(cls, name)] = cls.__dict__[name]
    for cls, name, function in targets:
        setattr(cls, name, classmethod(function))


def uninstall() -> None:
    """Puts Instructor's own streaming methods back. Idempotent."""
    while _saved:
        (cls, name), original = _saved.popitem()
        setattr(cls, name, original)


def installed() -> bool:
    """Whether ``install()`` is in effect."""
    return bool(_saved)
