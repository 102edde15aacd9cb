"""The recorded provider streams of ``tests/corpora/sse`` that a protocol of
``structream sse`` reads, with their protocol and body."""

from pathlib import Path
from typing import List, Tuple

from conftest import CORPORA

# Corpus folder -> `--protocol` name. The other folders (bedrock, cohere,
# gemini-interactions, openai-completions) hold protocols no decoder reads.
PROTOCOLS = {
    "anthropic": "anthropic",
    "gemini": "gemini",
    "ollama": "ollama",
    "openai-chat": "openai-chat",
    "openai-compatible": "openai-chat",
    "openai-responses": "openai-responses",
}


def body(path: Path) -> bytes:
    """The bytes the server sent: a `.sse` / `.ndjson` file as recorded; a
    `.chunks.txt` capture of event payloads (one JSON per line) framed as
    SSE, the way it was sent (as the provider crates' conformance suite
    reads it)."""
    raw = path.read_bytes()
    if not path.name.endswith(".chunks.txt"):
        return raw
    framed = bytearray()
    for line in raw.split(b"\n"):
        line = line.removesuffix(b"\r")
        if line.strip():
            framed += b"data: " + line + b"\n\n"
    return bytes(framed)


def recordings() -> List[Tuple[str, Path]]:
    """(protocol, path) of every recording a decoder reads."""
    found = []
    for folder, protocol in PROTOCOLS.items():
        for path in sorted((CORPORA / "sse" / folder).rglob("*")):
            if path.name.endswith((".sse", ".ndjson", ".chunks.txt")):
                found.append((protocol, path))
    assert len(found) > 200, f"only {len(found)} recordings under {CORPORA / 'sse'}"
    return found
