"""Instructor's streaming path, stock and with ``structream.instructor.install()``.

Side by side in one run, over the same chunk strings: where Instructor spends
a streamed answer's time, ``Partial[Model].model_from_chunks`` (and its async
twin) and ``IterableModel(Model).tasks_from_chunks``, fed a generated
analysis-style answer (a title, a summary, sections with prose, numbers,
booleans, tags and citations) of 10 KB, 100 KB and 1 MB, cut into LLM-sized
chunks of 1 to 8 characters. Times are the process's CPU time (best of
``--repeat`` runs for the installed path, one run for stock). Each result is
checked: both paths end on equal final models / task lists.

Stock Instructor is quadratic: its 1 MB run takes about an hour, so it is
skipped unless ``--stock-1mb`` is given, and its figure is then extrapolated
from the 100 KB one (stated as such).

Run (in a venv with ``instructor==1.17.0`` and the package installed, e.g.
``bindings/python/.venv-instructor`` made by ``bindings/python/instructor-suite.sh``)::

    nice -n 10 python benches/python/instructor_bench.py [--sizes 10000,100000,1000000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
from typing import Any, Callable, List, Optional

from instructor import Partial
from instructor.v2.dsl.iterable import IterableModel
from pydantic import BaseModel

import structream.instructor

WORDS = (
    "the model reads each chunk once and keeps what it built; revenue grew "
    "while costs fell in the third quarter, café 東京 résumé naïve 😀 risk "
    "analysis of supply chains shows delays, see the appendix for details"
).split()


class Citation(BaseModel):
    source: str
    page: int
    quote: str


class Section(BaseModel):
    id: int
    heading: str
    body: str
    confidence: float
    verified: bool
    tags: List[str]
    citations: List[Citation]
    notes: Optional[str] = None


class Analysis(BaseModel):
    title: str
    summary: str
    sections: List[Section]


def prose(rng: random.Random, words: int) -> str:
    out = []
    for i in range(words):
        word = rng.choice(WORDS)
        if i % 13 == 12:
            word += '. "Quoted," he said.\n'
        out.append(word)
    return " ".join(out)


def section(rng: random.Random, index: int) -> dict:
    return {
        "id": index,
        "heading": prose(rng, 5),
        "body": prose(rng, 60),
        "confidence": round(rng.random(), 2),
        "verified": rng.random() < 0.5,
        "tags": [rng.choice(WORDS) for _ in range(rng.randint(1, 4))],
        "citations": [
            {"source": prose(rng, 3), "page": rng.randint(1, 400), "quote": prose(rng, 12)}
            for _ in range(rng.randint(0, 3))
        ],
        "notes": None if rng.random() < 0.7 else prose(rng, 8),
    }


def answer(size: int, seed: int = 1) -> tuple[str, str]:
    """An analysis of about ``size`` characters, pretty-printed as models
    write it, and the same sections as an iterable's ``{"tasks": [...]}``."""
    rng = random.Random(seed)
    doc = {"title": prose(rng, 8), "summary": prose(rng, 40), "sections": []}
    while len(json.dumps(doc, indent=2, ensure_ascii=False)) < size:
        doc["sections"].append(section(rng, len(doc["sections"]) + 1))
    tasks = {"tasks": doc["sections"]}
    return (
        json.dumps(doc, indent=2, ensure_ascii=False),
        json.dumps(tasks, indent=2, ensure_ascii=False),
    )


def chunks(text: str, seed: int = 2) -> List[str]:
    """``text`` in LLM-sized pieces of 1 to 8 characters."""
    rng = random.Random(seed)
    out, i = [], 0
    while i < len(text):
        step = rng.randint(1, 8)
        out.append(text[i : i + step])
        i += step
    return out


def partial_sync(pieces: List[str]) -> Any:
    last = None
    for last in Partial[Analysis].model_from_chunks(pieces):
        pass
    return last


def partial_async(pieces: List[str]) -> Any:
    async def gen():
        for piece in pieces:
            yield piece

    async def run():
        last = None
        async for last in Partial[Analysis].model_from_chunks_async(gen()):
            pass
        return last

    return asyncio.run(run())


def tasks_sync(pieces: List[str]) -> Any:
    return list(IterableModel(Section).tasks_from_chunks(pieces))


def timed(run: Callable[[List[str]], Any], pieces: List[str], repeat: int) -> tuple[float, Any]:
    """Best CPU time of this process over ``repeat`` runs, and the last run's
    result. CPU time, not wall time: the machine's two cores are shared, and
    wall time then measures the neighbours as much as the code."""
    best = float("inf")
    result = None
    for _ in range(repeat):
        start = time.process_time()
        result = run(pieces)
        best = min(best, time.process_time() - start)
    return best, result


def fmt(seconds: Optional[float]) -> str:
    if seconds is None:
        return "–"
    if seconds >= 1:
        return f"{seconds:.2f} s"
    return f"{seconds * 1e3:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--stock-1mb", action="store_true", help="run stock at 1 MB too (about an hour)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the installed path (best kept)")
    args = parser.parse_args()

    paths = [("model_from_chunks", partial_sync), ("model_from_chunks_async", partial_async), ("tasks_from_chunks", tasks_sync)]
    # Warm-up, not timed: the first call of each path imports and builds
    # what later calls reuse (about 2 s for the iterable's first call).
    small, small_tasks = answer(2000)
    for name, run in paths:
        pieces = chunks(small_tasks if name == "tasks_from_chunks" else small)
        for patched in (False, True):
            structream.instructor.install() if patched else structream.instructor.uninstall()
            run(pieces)
    structream.instructor.uninstall()
    rows = []
    ours_by_path: dict = {}
    stock_by_path: dict = {}
    for size in (int(s) for s in args.sizes.split(",")):
        doc, tasks_doc = answer(size)
        for name, run in paths:
            text = tasks_doc if name == "tasks_from_chunks" else doc
            pieces = chunks(text)
            run_stock = size < 1_000_000 or args.stock_1mb or name == "tasks_from_chunks"
            stock_time = stock_result = None
            if run_stock:
                structream.instructor.uninstall()
                stock_time, stock_result = timed(run, pieces, 1)
            structream.instructor.install()
            ours_time, ours_result = timed(run, pieces, args.repeat)
            structream.instructor.uninstall()
            if stock_result is not None:
                assert ours_result == stock_result, f"{name} at {size}: results differ"
            ours_by_path.setdefault(name, {})[size] = ours_time
            stock_by_path.setdefault(name, {})[size] = stock_time
            rows.append((name, len(text.encode()), len(pieces), stock_time, ours_time))
            ratio = f"{stock_time / ours_time:,.0f}×" if stock_time else "–"
            print(f"{name:24} {len(text.encode()):>9,} B {len(pieces):>7,} chunks  stock {fmt(stock_time):>9}  installed {fmt(ours_time):>9}  {ratio}", flush=True)

    print()
    print("| path | answer | chunks | stock Instructor 1.17 | with install() | ratio |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, size, count, stock_time, ours_time in rows:
        ratio = f"{stock_time / ours_time:,.0f}×" if stock_time else "–"
        print(f"| `{name}` | {size / 1000:,.0f} KB | {count:,} | {fmt(stock_time)} | {fmt(ours_time)} | {ratio} |")
    print()
    for name, times in ours_by_path.items():
        sizes = sorted(times)
        if len(sizes) > 1:
            steps = ", ".join(
                f"{b // a}× the bytes: {times[b] / times[a]:.1f}× the time"
                for a, b in zip(sizes, sizes[1:])
            )
            print(f"installed `{name}` scaling: {steps}")
        stock = stock_by_path.get(name, {})
        known = sorted(s for s, t in stock.items() if t)
        if len(known) > 1:
            a, b = known[-2], known[-1]
            print(f"stock `{name}` scaling: {b // a}× the bytes: {stock[b] / stock[a]:.1f}× the time")


if __name__ == "__main__":
    main()
