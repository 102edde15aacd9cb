"""The examples in the package's docstrings and README run as written."""

import doctest
import re
from pathlib import Path

import structream
import structream.providers

README = Path(__file__).resolve().parents[1] / "README.md"


def test_package_docstring_examples():
    failures, tried = doctest.testmod(structream)
    assert tried > 0 and failures == 0


def test_providers_docstring_examples():
    failures, tried = doctest.testmod(structream.providers)
    assert tried > 0 and failures == 0


def test_readme_partialjson_example():
    block = re.search(r"## PartialJSON\n\n```python\n(.*?)```", README.read_text(), re.S).group(1)
    lines = []
    for line in block.splitlines():
        code, _, comment = line.partition("#")
        expected = re.match(r"\s*(\{.*\}|\[.*\]|'.*?')", comment)
        if code.strip().startswith("p.") and "=" not in code.split("(")[0] and expected:
            lines.append(f"assert {code.strip()} == {expected.group(1)}, {code.strip()!r}")
        else:
            lines.append(code.rstrip())
    namespace = {}
    exec("\n".join(lines), namespace)
    assert namespace["complete"] is False  # the example's input stops early
