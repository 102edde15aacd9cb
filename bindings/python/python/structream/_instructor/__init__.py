"""Instructor's per-chunk streaming path, computed on a ``PartialJSON``.

``structream.instructor.install()`` puts these in place of Instructor's own
``model_from_chunks`` / ``tasks_from_chunks`` (and their async twins):

- ``fields``: what each field of a pydantic model asks of the builder,
  computed once per model;
- ``build``: turns the document's live value into Instructor's partial models,
  reusing what was built for every completed subtree;
- ``partial``: the ``Partial[Model]`` stream (one document, one builder);
- ``tasks``: the ``Iterable[Model]`` stream (each task validated as it closes).
"""
