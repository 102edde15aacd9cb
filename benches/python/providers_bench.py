"""End to end through openai-python, side by side in one run: a tool call's
arguments streamed from a loopback server (in a process of its own), read
with the value looked at after every delta.

* ``decode_partials``: ``chat.completions.with_streaming_response.create``,
  the body's ``iter_bytes()`` through ``structream.providers.decode_partials``
  (the SDK makes the request; no chunk model is built);
* ``sdk + jiter``: today's SDK path: ``chat.completions.create(stream=True)``
  iterated (a pydantic chunk model per event), the arguments accumulated and
  re-parsed with ``jiter.from_json(..., partial_mode="trailing-strings")``
  per chunk;
* ``sdk only``: the SDK's chunks iterated, nothing parsed: its own floor.

The arguments are the analysis-style document of ``partial_bench.py``, cut
into LLM-sized deltas of 1 to 8 characters, one SSE event each. Figures are
CPU time of this process (``time.process_time``: the server's work is not
counted; wall time is noisy on a shared machine), best of ``--repeat``
interleaved runs. ``sdk + jiter`` runs only up to ``--sdk-max`` bytes (it
is quadratic); ``sdk only`` up to ``--sdk-max`` too.

Run::

    nice -n 10 bindings/python/.venv/bin/python benches/python/providers_bench.py

``--one SIZE run|setup`` runs ``decode_partials`` once over the body in
memory (16 KB chunks, as ``iter_bytes()`` gives them), or only the setup,
for ``providers_icount.sh``'s instruction counts.
"""

import argparse
import json
import sys
import time
from pathlib import Path

import jiter
import openai

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1] / "bindings" / "python" / "tests"))

from partial_bench import analysis_document, deltas  # noqa: E402
from sdk_bench import MESSAGES, server_process, sse_body  # noqa: E402
from structream.providers import decode_partials  # noqa: E402


def with_decode_partials(client):
    value = None
    with client.chat.completions.with_streaming_response.create(
        model="m", messages=MESSAGES, stream=True
    ) as response:
        for update in decode_partials(response.iter_bytes(), protocol="openai-chat"):
            value = update.value
    return value


def sdk_jiter(client):
    value, buf = None, ""
    for chunk in client.chat.completions.create(model="m", messages=MESSAGES, stream=True):
        for call in chunk.choices[0].delta.tool_calls or ():
            if call.function and call.function.arguments:
                buf += call.function.arguments
                value = jiter.from_json(buf.encode(), partial_mode="trailing-strings")
    return value


def sdk_only(client):
    for _ in client.chat.completions.create(model="m", messages=MESSAGES, stream=True):
        pass
    return None


def one(size, what):
    """One in-memory run for callgrind (see the module docs)."""
    body = sse_body(analysis_document(size))
    chunks = [body[i : i + 16384] for i in range(0, len(body), 16384)]
    if what == "run":
        value = None
        for update in decode_partials(chunks, protocol="openai-chat"):
            value = update.value
        assert value is not None


def main():
    if sys.argv[1:2] == ["--one"]:
        one(int(sys.argv[2]), sys.argv[3])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sdk-max", type=int, default=100000)
    args = parser.parse_args()
    print(f"# openai {openai.__version__}, jiter {jiter.__version__}, python {sys.version.split()[0]}; CPU s of the client process")
    print("| size | deltas | decode_partials s | sdk + jiter s | sdk only s | sdk + jiter / decode_partials | decode_partials µs/delta |")
    print("|---|---|---|---|---|---|---|")
    ours_by_size = {}
    for size in [int(s) for s in args.sizes.split(",")]:
        text = analysis_document(size)
        expected = json.loads(text)
        n = len(deltas(text))
        runs = {"decode_partials": with_decode_partials}
        if size <= args.sdk_max:
            runs["sdk + jiter"] = sdk_jiter
            runs["sdk only"] = sdk_only
        best = {name: float("inf") for name in runs}
        with server_process(sse_body(text)) as url:
            client = openai.OpenAI(base_url=url + "/v1", api_key="k", max_retries=0)
            for _ in range(args.repeat):
                for name, run in runs.items():
                    start = time.process_time()
                    value = run(client)
                    best[name] = min(best[name], time.process_time() - start)
                    if name != "sdk only":
                        assert value == expected, name
        ours = best["decode_partials"]
        ours_by_size[size] = ours
        theirs = best.get("sdk + jiter")
        floor = best.get("sdk only")
        print(
            f"| {len(text.encode()) / 1000:.0f} KB | {n} | {ours:.3f} | "
            f"{'-' if theirs is None else f'{theirs:.2f}'} | {'-' if floor is None else f'{floor:.2f}'} | "
            f"{'-' if theirs is None else f'{theirs / ours:.0f}x'} | {ours / n * 1e6:.2f} |",
            flush=True,
        )
    sizes = sorted(ours_by_size)
    for small, large in zip(sizes, sizes[1:]):
        print(f"# decode_partials time({large // 1000} KB) / time({small // 1000} KB): {ours_by_size[large] / ours_by_size[small]:.1f}")


if __name__ == "__main__":
    main()
