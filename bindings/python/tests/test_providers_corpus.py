"""``decode_events`` over every recorded stream gives exactly the objects
``structream sse`` prints, at any chunking of the body.

The expected lines come from running the command line on each recording at
test time (the binary `ci.sh` builds, or $STRUCTREAM_CLI): nothing to keep
in sync when the CLI's output grows, and the comparison is with the very
decoders the CLI runs today."""

import json
import random
import subprocess

import pytest

from conftest import cli
from recordings import body, recordings
from structream.providers import ProviderError, StreamDecodeError, decode_events

RECORDINGS = recordings()


def _id(case):
    protocol, path = case
    return "/".join(path.parts[-3:])


def cli_events(protocol, data):
    """The command line's lines as dicts, and whether it exited 1."""
    run = subprocess.run(
        [str(cli()), "sse", "--protocol", protocol, "-"], input=data, capture_output=True
    )
    assert run.returncode in (0, 1), run.stderr
    lines = [json.loads(line) for line in run.stdout.decode("utf-8").splitlines()]
    return lines, run.returncode == 1


def chunkings(data, seed):
    """The body whole, in random chunks of 1 to 64 bytes (two seeds), and
    one byte at a time when it is small."""
    yield "whole", [data]
    for n in range(2):
        rng = random.Random(seed * 2 + n)
        cuts, at = [], 0
        while at < len(data):
            step = rng.randint(1, 64)
            cuts.append(data[at : at + step])
            at += step
        yield f"random-{n}", cuts
    if len(data) <= 4096:
        yield "bytes", [data[i : i + 1] for i in range(len(data))]


def collect(chunks, protocol):
    """What decode_events yields, and the error it raised (or None)."""
    events = []
    try:
        for event in decode_events(iter(chunks), protocol=protocol):
            events.append(event)
    except (ProviderError, StreamDecodeError) as e:
        return events, e
    return events, None


@pytest.mark.parametrize("case", RECORDINGS, ids=_id)
def test_events_equal_the_command_line(case):
    protocol, path = case
    data = body(path)
    expected, failed = cli_events(protocol, data)
    for name, chunks in chunkings(data, seed=len(data)):
        events, error = collect(chunks, protocol)
        assert events == expected, (name, path)
        assert (error is not None) == failed, (name, error)
        if error is None:
            continue
        last = expected[-1]
        if last.get("kind") == "decode":
            # The stream could not be decoded: the CLI's last line.
            assert isinstance(error, StreamDecodeError)
            assert (str(error), error.offset) == (last["message"], last["offset"])
        else:
            # The first error event the provider sent.
            first = next(e for e in expected if e["type"] == "error")
            assert isinstance(error, ProviderError)
            assert error.message == first["message"]
            assert (error.kind, error.code, error.status) == (
                first.get("kind"),
                first.get("code"),
                first.get("status"),
            )


def test_the_corpus_has_errors_of_both_kinds():
    """The comparison above covers provider errors and undecodable streams."""
    outcomes = {"provider": 0, "decode": 0}
    for protocol, path in RECORDINGS:
        events, error = collect([body(path)], protocol)
        if isinstance(error, ProviderError):
            outcomes["provider"] += 1
        elif isinstance(error, StreamDecodeError):
            outcomes["decode"] += 1
    assert outcomes["provider"] > 0 and outcomes["decode"] > 0, outcomes
