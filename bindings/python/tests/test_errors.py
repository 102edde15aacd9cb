"""Errors of invalid input equal the command line's: the same message at
the same position, whether the input comes whole or one byte at a time."""

import re
import subprocess
from pathlib import Path

import pytest

from conftest import cli
from corpus import invalid_files, valid_files
from structream import JSONError, PartialJSON

MESSAGE = re.compile(r"^error: (.* at line (\d+) column (\d+) \(byte (\d+)\))$")


def _cli_error(path: Path):
    run = subprocess.run([str(cli()), "parse", str(path)], capture_output=True)
    if run.returncode == 0:
        return None
    line = run.stderr.decode().strip()
    match = MESSAGE.match(line)
    assert match, line
    return match.group(1), int(match.group(2)), int(match.group(3)), int(match.group(4))


def _our_error(chunks):
    p = PartialJSON()
    try:
        for chunk in chunks:
            p.feed(chunk)
        p.finish(strict=True)
    except JSONError as e:
        return str(e), e.line, e.column, e.byte
    return None


def _id(path):
    return f"{path.parent.name}/{path.name}"


@pytest.mark.parametrize("path", invalid_files(), ids=_id)
def test_invalid_input_errors_like_the_cli(path):
    data = path.read_bytes()
    expected = _cli_error(path)
    assert expected is not None, "the CLI accepts it"
    assert _our_error([data]) == expected
    if len(data) <= 4096:
        assert _our_error([data[i : i + 1] for i in range(len(data))]) == expected


@pytest.mark.parametrize(
    "path", [f for f in valid_files() if f.stat().st_size < 2000][:40], ids=_id
)
def test_cut_input_errors_like_the_cli(path, tmp_path):
    """Valid files cut short: end-of-input errors at the same place."""
    data = path.read_bytes()
    for cut in sorted({len(data) // 3, len(data) // 2, len(data) - 1}):
        if cut <= 0:
            continue
        cut_file = tmp_path / "cut.json"
        cut_file.write_bytes(data[:cut])
        expected = _cli_error(cut_file)
        assert _our_error([data[:cut]]) == expected, cut
