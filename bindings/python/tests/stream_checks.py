"""Checks shared by the SDK stream tests."""

import jiter

# What jiter gives for a prefix it rejects, or a value it cannot explain.
NO_VALUE = object()


def without_last_scalar(value):
    """jiter's value with the scalar at the tip of its rightmost path
    removed (a root scalar becomes None); the containers on that path are
    copied, the rest shared."""
    if not isinstance(value, (list, dict)):
        return None
    if not value:
        return NO_VALUE
    copy = list(value) if isinstance(value, list) else dict(value)
    last_key = len(copy) - 1 if isinstance(copy, list) else next(reversed(copy))
    last = copy[last_key]
    if isinstance(last, (list, dict)) and last:
        inner = without_last_scalar(last)
        if inner is NO_VALUE:
            return NO_VALUE
        copy[last_key] = inner
        return copy
    if isinstance(last, (list, dict, str)):
        return NO_VALUE
    del copy[last_key]
    return copy


def jiter_partial(text):
    """What the SDKs compute: jiter's partial parse, strings once complete."""
    try:
        return jiter.from_json(text.encode(), partial_mode=True)
    except ValueError:
        return None


def equal_but_half_scalars(ours, text):
    """Our value equals jiter's re-parse of the text, or jiter shows a
    number or literal that is not complete yet."""
    theirs = jiter_partial(text)
    if ours == theirs:
        return True
    tail = text.rstrip()
    if not tail or tail[-1] not in "0123456789.eE+-truefalsn":
        return False
    return theirs is None or ours == without_last_scalar(theirs)


class Tap:
    """Passes a stream through, counting the chunks read so far."""

    def __init__(self, stream):
        self.stream = stream
        self.read = 0
        self.items = []

    def __iter__(self):
        for item in self.stream:
            self.read += 1
            self.items.append(item)
            yield item


class AsyncTap(Tap):
    """Tap of an async stream."""

    __iter__ = None  # type: ignore[assignment]

    async def __aiter__(self):
        async for item in self.stream:
            self.read += 1
            self.items.append(item)
            yield item
