"""Every prefix of the corpora, fed one byte at a time, against
``jiter.from_json(prefix, partial_mode=...)``.

The values are equal except where jiter shows a number or literal that is
not complete yet (``3`` of what becomes ``30``, ``tr`` as ``true``): those
appear here only once complete, on purpose. Such a difference is accepted
only when the prefix ends inside that number or literal and removing it
from jiter's value gives ours."""

import json

import jiter
import pytest

from corpus import partial_inputs, valid_files
from stream_checks import NO_VALUE as _NO_VALUE
from stream_checks import without_last_scalar as _without_last_scalar
from structream import PartialJSON

# Files up to this size are compared at every prefix; larger ones at this
# many prefixes spread over the file (every prefix is still fed and read).
EVERY_PREFIX_MAX = 24 * 1024
SAMPLED_PREFIXES = 200

MODES = ("trailing-strings", "on")
SCALAR_BYTES = frozenset(b"0123456789+-.eEtrufalsn")


def _id(path):
    return f"{path.parent.name}/{path.name}"


def _jiter(prefix, mode):
    try:
        return jiter.from_json(prefix, partial_mode=mode)
    except ValueError:
        return _NO_VALUE


def _duplicated_keys(data):
    dups = set()

    def hook(pairs):
        seen = set()
        for k, _ in pairs:
            if k in seen:
                dups.add(k)
            seen.add(k)
        return dict(pairs)

    json.loads(data, object_pairs_hook=hook)
    return dups


def _strip(value, keys):
    if isinstance(value, list):
        return [_strip(v, keys) for v in value]
    if isinstance(value, dict):
        return {k: _strip(v, keys) for k, v in value.items() if k not in keys}
    return value


def _compare(data, mode, at):
    # A repeated key's new value replaces the earlier one only once it is
    # complete (jiter shows it growing): the one other accepted difference.
    dups = _duplicated_keys(data)
    p = PartialJSON(partial_mode=mode)
    checked = 0
    for i in range(len(data)):
        p.feed(data[i : i + 1])
        if i + 1 not in at:
            continue
        ours = p.value
        theirs = _jiter(data[: i + 1], mode)
        checked += 1
        if theirs is _NO_VALUE:
            # jiter rejects a prefix with nothing to show (whitespace) or
            # one it cannot show (a lone `-`, `tr`): only half a scalar may
            # be behind a value of ours.
            assert ours is None or data[i] in SCALAR_BYTES, (i, data[: i + 1][-40:], ours)
            continue
        if ours == theirs or (dups and _strip(ours, dups) == _strip(theirs, dups)):
            continue
        assert data[i] in SCALAR_BYTES, (i, data[: i + 1][-40:], ours, theirs)
        assert ours == _without_last_scalar(theirs), (i, data[: i + 1][-40:], ours, theirs)
    assert p.finish()
    assert p.value == json.loads(data)
    return checked


def _jiter_accepts(data):
    try:
        return jiter.from_json(data) == json.loads(data)
    except ValueError:
        return False


FILES = [f for f in valid_files() if _jiter_accepts(f.read_bytes())]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("path", FILES, ids=_id)
def test_every_prefix_against_jiter(path, mode):
    data = path.read_bytes()
    if len(data) <= EVERY_PREFIX_MAX:
        at = set(range(1, len(data) + 1))
    else:
        step = len(data) // SAMPLED_PREFIXES
        at = set(range(step, len(data) + 1, step)) | {len(data)}
    assert _compare(data, mode, at) == len(at)


@pytest.mark.parametrize("mode", MODES)
def test_partial_vectors_against_jiter(mode):
    """The prefixes of every partial-JSON test vector that jiter accepts
    whole (as a complete value or as a prefix)."""
    compared = 0
    for data in partial_inputs():
        p = PartialJSON(partial_mode=mode)
        for i in range(len(data)):
            try:
                p.feed(data[i : i + 1])
            except ValueError:
                break
            theirs = _jiter(data[: i + 1], mode)
            if theirs is _NO_VALUE:
                continue
            ours = p.value
            compared += 1
            if ours != theirs:
                assert data[i] in SCALAR_BYTES, (data, i, ours, theirs)
                assert ours == _without_last_scalar(theirs), (data, i, ours, theirs)
    assert compared > 1000
