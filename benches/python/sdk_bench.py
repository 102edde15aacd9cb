"""End to end through openai-python: a tool call's arguments streamed from a
loopback server, read three ways side by side in one run.

* ``sdk only``: ``chat.completions.create(stream=True)`` iterated, nothing
  parsed: the floor set by the SDK's own per-chunk decoding;
* ``structream``: the same stream through ``structream.openai.partials``
  (partial_mode ``"on"``, as the SDK), the value read at every update;
* ``sdk stream()``: ``chat.completions.stream()`` with a strict tool, reading
  ``parsed_arguments`` at every arguments delta: jiter re-parsing per chunk.

The arguments are the analysis-style document of ``partial_bench.py``, cut
into deltas of 1 to 8 characters, one chunk event each. Wall time
(``time.perf_counter``; the server runs in a process of its own), best of
``--repeat`` interleaved runs. ``sdk stream()`` runs only up to
``--stream-max`` bytes (it is quadratic).

Run::

    nice -n 10 bindings/python/.venv/bin/python benches/python/sdk_bench.py
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import openai

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1] / "bindings" / "python" / "tests"))

from partial_bench import analysis_document, deltas  # noqa: E402
from structream.openai import partials  # noqa: E402

TOOL = {
    "type": "function",
    "function": {"name": "report", "parameters": {"type": "object"}, "strict": True},
}
MESSAGES = [{"role": "user", "content": "hi"}]


def sse_body(arguments):
    def event(delta):
        chunk = {
            "id": "c",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": "m",
            "choices": [{"index": 0, "delta": delta, "finish_reason": None}],
        }
        return "data: " + json.dumps(chunk, ensure_ascii=False) + "\n\n"

    parts = [event({"role": "assistant", "tool_calls": [{"index": 0, "id": "call_1", "type": "function", "function": {"name": "report", "arguments": ""}}]})]
    parts += [event({"tool_calls": [{"index": 0, "function": {"arguments": d}}]}) for d in deltas(arguments)]
    done = {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": "m", "choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]}
    parts.append("data: " + json.dumps(done) + "\n\ndata: [DONE]\n\n")
    return "".join(parts).encode()


@contextmanager
def server_process(body):
    """Serves `body` from another process; yields its base URL."""
    with tempfile.TemporaryDirectory() as tmp:
        body_file, url_file = Path(tmp) / "body", Path(tmp) / "url"
        body_file.write_bytes(body)
        script = HERE.parents[1] / "bindings" / "python" / "tests" / "sse_server.py"
        proc = subprocess.Popen([sys.executable, str(script), str(body_file), str(url_file)])
        try:
            while not (url_file.exists() and url_file.read_text()):
                time.sleep(0.05)
            yield url_file.read_text()
        finally:
            proc.terminate()
            proc.wait()


def sdk_only(client):
    for _ in client.chat.completions.create(model="m", messages=MESSAGES, stream=True):
        pass
    return None


def with_structream(client):
    value = None
    for update in partials(client.chat.completions.create(model="m", messages=MESSAGES, stream=True)):
        value = update.value
    return value


def sdk_stream(client):
    value = None
    with client.chat.completions.stream(model="m", messages=MESSAGES, tools=[TOOL]) as stream:
        for event in stream:
            if event.type == "tool_calls.function.arguments.delta":
                value = event.parsed_arguments
    return value


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--stream-max", type=int, default=100000)
    args = parser.parse_args()
    print(f"# openai {openai.__version__}, python {sys.version.split()[0]}")
    print("| size | chunks | sdk only s | structream s | sdk stream() s | structream - sdk only, ns/chunk | stream() / structream |")
    print("|---|---|---|---|---|---|---|")
    for size in [int(s) for s in args.sizes.split(",")]:
        text = analysis_document(size)
        expected = json.loads(text)
        n = len(deltas(text))
        runs = {"sdk only": sdk_only, "structream": with_structream}
        if size <= args.stream_max:
            runs["sdk stream()"] = sdk_stream
        best = {name: float("inf") for name in runs}
        with server_process(sse_body(text)) as url:
            client = openai.OpenAI(base_url=url + "/v1", api_key="k", max_retries=0)
            for _ in range(args.repeat):
                for name, run in runs.items():
                    start = time.perf_counter()
                    value = run(client)
                    best[name] = min(best[name], time.perf_counter() - start)
                    if name != "sdk only":
                        assert value == expected, name
        stream_s = best.get("sdk stream()")
        ours = best["structream"]
        print(
            f"| {len(text.encode()) / 1000:.0f} KB | {n} | {best['sdk only']:.2f} | {best['structream']:.2f} | "
            f"{'-' if stream_s is None else f'{stream_s:.2f}'} | "
            f"{(best['structream'] - best['sdk only']) / n * 1e9:.0f} | "
            f"{'-' if stream_s is None else f'{stream_s / ours:.1f}x'} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
