"""The patched ``Partial[Model]`` path yields Instructor's models.

Every case streams at every character and in random chunkings; at every chunk
the patched model must be the reference (Instructor's own building with exact
completeness and whole numbers, see ``oracle``), and wherever the reference
and stock Instructor agree, the patched model must be stock's too.
"""

from __future__ import annotations

import asyncio

import pytest

pytest.importorskip("instructor")

from instructor import Partial  # noqa: E402
from pydantic import ValidationError  # noqa: E402

import structream.instructor as si  # noqa: E402
from structream import JSONError  # noqa: E402

from stream_cases import CASES, Address, User, chunkings  # noqa: E402
from stock_oracle import reference_partials, same, stock_partials  # noqa: E402


@pytest.fixture()
def installed():
    si.install()
    yield
    si.uninstall()


def ours(partial, chunks, **kwargs):
    return list(partial.model_from_chunks(chunks, **kwargs))


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_chunking_yields_the_reference_models(installed, case):
    model, text = CASES[case]
    partial = Partial[model]
    for name, chunks in chunkings(text).items():
        got = ours(partial, chunks)
        reference = reference_partials(partial, chunks)
        stock = stock_partials(partial, chunks)
        assert len(got) == len(reference) == len(stock) == len(chunks)
        for i, (g, r, s) in enumerate(zip(got, reference, stock)):
            prefix = "".join(chunks[: i + 1])
            assert same(g, r), f"{case}/{name} at {prefix[-40:]!r}:\n{g!r}\n{r!r}"
            if same(r, s):
                assert same(g, s)
        assert same(got[-1], stock[-1]), f"{case}/{name}: final models differ"
        assert type(got[-1]) is model


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_two_piece_split_gives_the_final_model(installed, case):
    model, text = CASES[case]
    partial = Partial[model]
    final = stock_partials(partial, [text])[-1]
    for cut in range(len(text) + 1):
        got = ours(partial, [text[:cut], text[cut:]])
        assert same(got[-1], final), cut


@pytest.mark.filterwarnings("ignore::UserWarning")  # model_dump of partial models
def test_models_handed_out_earlier_keep_what_they_showed(installed):
    model, text = CASES["team"]
    partial = Partial[model]
    chunks = chunkings(text)["1-8"]
    kept = [m.model_dump() for m in ours(partial, chunks)]
    got = ours(partial, chunks)
    assert [m.model_dump() for m in got] == kept


def test_async_twin_yields_the_same_models(installed):
    model, text = CASES["user"]
    partial = Partial[model]
    chunks = chunkings(text)["1-8"]

    async def collect():
        async def gen():
            for c in chunks:
                yield c

        return [m async for m in partial.model_from_chunks_async(gen())]

    got = asyncio.run(collect())
    sync = ours(partial, chunks)
    assert len(got) == len(sync)
    assert all(same(a, b) for a, b in zip(got, sync))


def test_each_completed_item_is_validated_once(installed):
    calls = []

    class Item(Address):
        @classmethod
        def model_validate(cls, obj, **kwargs):
            calls.append(obj["city"])
            return super().model_validate(obj, **kwargs)

    from typing import List

    from pydantic import BaseModel

    class Box(BaseModel):
        items: List[Item]

    text = '{"items": [' + ", ".join(f'{{"city": "c{i}"}}' for i in range(20)) + "]}"
    list(Partial[Box].model_from_chunks(list(text)))
    assert sorted(calls) == sorted(f"c{i}" for i in range(20))


def test_incomplete_and_invalid_streams(installed):
    partial = Partial[User]
    # Missing required fields: the end-of-stream validation raises, as stock.
    with pytest.raises(ValidationError):
        ours(partial, ['{"name": "x"}'])
    with pytest.raises(ValidationError):
        stock_partials(partial, ['{"name": "x"}'])
    # Whitespace only: validated as {} at the end, as stock.
    with pytest.raises(ValidationError):
        ours(partial, [" ", "\n"])
    # A cut stream: no final validation, the last partial stands.
    got = ours(partial, ['{"name": "x", "home": {"ci'])
    assert got[-1].name == "x" and got[-1].home.city is None
    # Invalid JSON: an error with its position.
    with pytest.raises(JSONError) as error:
        ours(partial, ['{"name": "x",', ' "age": }'])
    assert error.value.byte == len('{"name": "x", "age": ')
    # Text after the value is ignored and leaves the root unvalidated, as stock.
    text = '{"name": "x", "age": 3, "home": {"city": "c"}} and more'
    for chunks in ([text], [text[:20], text[20:]], list(text)):
        got, stock = ours(partial, chunks), stock_partials(partial, chunks)
        assert len(got) == len(stock)
        # The root is built, not validated, in both; "home" closed, so it is
        # validated here where stock, seeing no sibling after it, builds it.
        assert got[-1].model_dump() == stock[-1].model_dump()
        assert got[-1].model_fields_set == stock[-1].model_fields_set
        assert type(got[-1]) is User


def test_uninstall_restores_stock():
    before = dict(vars(Partial[User].__mro__[1]))
    si.install()
    assert si.installed()
    si.install()
    si.uninstall()
    assert not si.installed()
    from instructor.v2.dsl.iterable import IterableBase
    from instructor.v2.dsl.partial import PartialBase

    import stock_oracle as oracle

    assert PartialBase.__dict__["model_from_chunks"].__func__ is oracle.STOCK_MODEL_FROM_CHUNKS
    assert IterableBase.__dict__["tasks_from_chunks"].__func__ is oracle.STOCK_TASKS_FROM_CHUNKS
    assert dict(vars(Partial[User].__mro__[1])) == before
