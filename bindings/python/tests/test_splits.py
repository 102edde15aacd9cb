"""Every split of the corpus files gives json.loads's value."""

import json
import random

import pytest

from corpus import valid_files
from structream import JSONError, PartialJSON

# Files up to this size are split at every byte (two feeds each); larger
# ones are fed one byte at a time and in random chunk sizes.
EVERY_SPLIT_MAX = 4096


def _id(path):
    return f"{path.parent.name}/{path.name}"


def _parse(chunks, mode="trailing-strings"):
    p = PartialJSON(partial_mode=mode)
    for chunk in chunks:
        p.feed(chunk)
    assert p.finish() is True
    return p.value


def _accepted(data):
    """Files the parser rejects on purpose (lone surrogates, which
    json.loads lets through) are left out, and checked to be rejected."""
    try:
        _parse([data])
        return True
    except JSONError as e:
        value = json.loads(data)
        assert _has_surrogate(value), (str(e), value)
        return False


def _has_surrogate(value):
    if isinstance(value, str):
        return any(0xD800 <= ord(c) <= 0xDFFF for c in value)
    if isinstance(value, list):
        return any(_has_surrogate(v) for v in value)
    if isinstance(value, dict):
        return any(_has_surrogate(k) or _has_surrogate(v) for k, v in value.items())
    return False


@pytest.mark.parametrize("path", valid_files(), ids=_id)
def test_one_byte_chunks_and_random_chunks(path):
    data = path.read_bytes()
    if not _accepted(data):
        return
    expected = json.loads(data)
    assert _parse([data[i : i + 1] for i in range(len(data))]) == expected
    rng = random.Random(len(data))
    for mode in ("trailing-strings", "on", "off"):
        chunks, i = [], 0
        while i < len(data):
            n = rng.randint(1, 64)
            chunks.append(data[i : i + n])
            i += n
        assert _parse(chunks, mode) == expected


@pytest.mark.parametrize(
    "path", [f for f in valid_files() if f.stat().st_size <= EVERY_SPLIT_MAX], ids=_id
)
def test_every_split(path):
    data = path.read_bytes()
    if not _accepted(data):
        return
    expected = json.loads(data)
    for k in range(len(data) + 1):
        assert _parse([data[:k], data[k:]]) == expected, k


@pytest.mark.parametrize(
    "path", [f for f in valid_files() if f.stat().st_size <= EVERY_SPLIT_MAX], ids=_id
)
def test_every_split_as_str(path):
    """str chunks split at every character give the same value."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return
    if not _accepted(data):
        return
    expected = json.loads(data)
    for k in range(len(text) + 1):
        assert _parse([text[:k], text[k:]]) == expected, k
