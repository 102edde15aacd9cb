"""PartialJSON against jiter re-parsing, as an LLM stream is read.

Side by side in one run, over the same chunk strings: a generated answer of
10 KB, 100 KB and 1 MB (an analysis-style document: title, summary and
sections with prose, numbers, booleans, tags and citations; and a
users-style one: an array of user records), cut into LLM-sized text deltas
of 1 to 8 characters, read two ways:

* ``structream``: ``p.feed(delta)`` then ``p.value`` after every delta;
* ``jiter``: what openai-python and anthropic-python do per delta: append
  the delta to the text so far and ``jiter.from_json(text.encode(),
  partial_mode=...)`` the whole of it.

Both end on the same value (checked). Times are the process's CPU time
(``time.process_time``), which a machine shared with other work does not
inflate the way it inflates wall time. Reported per size: total seconds, the
ratio, ns per delta for structream (and for the bare loop over the deltas,
the floor any Python consumer pays), and time(1 MB) / time(100 KB).

jiter's 1 MB run takes minutes; ``--jiter-stride K`` times only every K-th
delta's re-parse and multiplies by K (the report says so when K > 1).

Run (in a venv with jiter and the package installed, e.g. the one
``bindings/python/ci.sh`` makes)::

    nice -n 10 bindings/python/.venv/bin/python benches/python/partial_bench.py
"""

import argparse
import json
import random
import sys
import time

import jiter

from structream import PartialJSON

WORDS = (
    "the model streams tokens while the parser keeps state across chunks; "
    "analysis shows risk growth revenue quarter café naïve 東京 データ résumé 😀 über "
    "signal latency budget review"
).split()
ESCAPES = ["\n", "\t", '"quoted"']
TAGS = ["analysis", "risk", "finance", "ops", "legal", "product"]
CHUNK_PATTERN = [3, 1, 6, 2, 8, 4, 7, 5]  # 4.5 characters on average, about a token


def _prose(rng, words):
    return " ".join(
        rng.choice(ESCAPES) if rng.randrange(12) == 0 else rng.choice(WORDS) for _ in range(words)
    )


def analysis_document(size):
    """An analysis-style answer of at least `size` UTF-8 bytes, indented."""
    rng = random.Random(0x5EED ^ size)
    sections = []
    doc = {"title": _prose(rng, 6), "summary": _prose(rng, 40), "sections": sections, "complete": True}
    total = len(json.dumps(doc, indent=2, ensure_ascii=False).encode())
    while total < size:
        section = {
            "id": len(sections) + 1,
            "heading": _prose(rng, 3 + rng.randrange(5)),
            "body": _prose(rng, 20 + rng.randrange(60)),
            "confidence": rng.randrange(100) / 100,
            "verified": rng.randrange(3) != 0,
            "tags": [rng.choice(TAGS) for _ in range(1 + rng.randrange(3))],
            "citations": [
                {"source": _prose(rng, 2 + rng.randrange(3)), "page": 1 + rng.randrange(300), "quote": _prose(rng, 5 + rng.randrange(15))}
                for _ in range(rng.randrange(3))
            ],
            "notes": None if rng.randrange(2) == 0 else _prose(rng, 4),
        }
        sections.append(section)
        total += len(json.dumps(section, indent=2, ensure_ascii=False).encode()) + 10
    return json.dumps(doc, indent=2, ensure_ascii=False)


def users_document(size):
    """A users-style answer: {"users": [{id, name, email, age, active, roles, address}, ...]}."""
    rng = random.Random(0x05E5 ^ size)
    users = []
    total = 20
    while total < size:
        name = " ".join(rng.choice(WORDS).capitalize() for _ in range(2))
        user = {
            "id": len(users) + 1,
            "name": name,
            "email": f"user{len(users) + 1}@example.com",
            "age": 18 + rng.randrange(60),
            "score": round(rng.random() * 100, 2),
            "active": rng.randrange(4) != 0,
            "roles": [rng.choice(TAGS) for _ in range(1 + rng.randrange(2))],
            "address": {"city": rng.choice(WORDS), "zip": f"{rng.randrange(100000):05d}"},
            "bio": _prose(rng, 5 + rng.randrange(20)),
        }
        users.append(user)
        total += len(json.dumps(user, ensure_ascii=False).encode()) + 2
    return json.dumps({"users": users}, ensure_ascii=False)


def deltas(text):
    """`text` cut into deltas of CHUNK_PATTERN characters, cycled."""
    out, at, i = [], 0, 0
    while at < len(text):
        n = CHUNK_PATTERN[i % len(CHUNK_PATTERN)]
        out.append(text[at : at + n])
        at += n
        i += 1
    return out


def run_structream(chunks, mode):
    p = PartialJSON(partial_mode=mode)
    value = None
    start = time.process_time()
    for chunk in chunks:
        p.feed(chunk)
        value = p.value
    p.finish()
    elapsed = time.process_time() - start
    return elapsed, value


def run_bare(chunks):
    sink = None
    start = time.process_time()
    for chunk in chunks:
        sink = chunk
    elapsed = time.process_time() - start
    del sink
    return elapsed


def run_jiter(chunks, mode, stride):
    text = ""
    value = None
    total = 0.0
    for i, chunk in enumerate(chunks):
        text += chunk
        if (i % stride == stride - 1) or i == len(chunks) - 1:
            start = time.process_time()
            value = jiter.from_json(text.encode(), partial_mode=mode)
            total += time.process_time() - start
    # Timed re-parses stand for `stride` deltas each.
    timed = len(chunks) // stride + (1 if len(chunks) % stride else 0)
    return total * len(chunks) / max(timed, 1), value


def call_floor(what, n=200_000):
    """ns per call of an empty feed, or of reading an unchanged value."""
    p = PartialJSON()
    p.feed('{"a": [1, "x')
    start = time.process_time()
    if what == "feed":
        for _ in range(n):
            p.feed("")
    else:
        for _ in range(n):
            p.value
    return (time.process_time() - start) / n * 1e9


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--docs", default="analysis,users")
    parser.add_argument("--mode", default="trailing-strings", choices=["on", "trailing-strings"])
    parser.add_argument("--repeat", type=int, default=7, help="structream runs per size (the best kept)")
    parser.add_argument("--jiter-stride", type=int, default=50, help="time every K-th jiter re-parse of the 1 MB document (1: all of them, minutes)")
    parser.add_argument("--skip-jiter", action="store_true", help="structream only (for its scaling)")
    parser.add_argument(
        "--one",
        nargs=3,
        metavar=("DOC", "SIZE", "run|setup"),
        help="one structream run and nothing else, or only its setup (for partial_icount.sh)",
    )
    args = parser.parse_args()
    makers = {"analysis": analysis_document, "users": users_document}
    if args.one:
        doc, size, what = args.one
        chunks = deltas(makers[doc](int(size)))
        if what == "run":
            run_structream(chunks, args.mode)
        return
    sizes = [int(s) for s in args.sizes.split(",")]

    print(f"# python {sys.version.split()[0]}, jiter {jiter.__version__}, partial_mode={args.mode}")
    print("| document | size | deltas | structream s | ns/delta | bare loop ns/delta | jiter s | jiter / structream |")
    print("|---|---|---|---|---|---|---|---|")
    results = {}
    for doc in args.docs.split(","):
        inputs = {}
        for size in sizes:
            text = makers[doc](size)
            inputs[size] = (text, deltas(text), json.loads(text))
        # structream's runs interleave the sizes, so that a change in the
        # machine's load falls on every size alike; the best run is kept
        # (on a shared machine, noise only adds).
        best = {size: float("inf") for size in sizes}
        bare = {size: float("inf") for size in sizes}
        for _ in range(args.repeat):
            for size in sizes:
                _, chunks, expected = inputs[size]
                elapsed, value = run_structream(chunks, args.mode)
                assert value == expected, "structream's final value differs"
                best[size] = min(best[size], elapsed)
                bare[size] = min(bare[size], run_bare(chunks))
        for size in sizes:
            text, chunks, expected = inputs[size]
            ours = best[size]
            results[(doc, size)] = ours
            if args.skip_jiter:
                theirs_text, ratio = "-", "-"
            else:
                stride = args.jiter_stride if size >= 1_000_000 else 1
                theirs, value = run_jiter(chunks, args.mode, stride)
                assert value == expected, "jiter's final value differs"
                note = f" (every {stride}th re-parse timed, x{stride})" if stride > 1 else ""
                theirs_text, ratio = f"{theirs:.2f}{note}", f"{theirs / ours:,.0f}x"
            print(
                f"| {doc} | {len(text.encode()) / 1000:.0f} KB | {len(chunks)} | {ours:.4f} | "
                f"{ours / len(chunks) * 1e9:.0f} | {bare[size] / len(chunks) * 1e9:.0f} | {theirs_text} | {ratio} |",
                flush=True,
            )
    print(f"# call floor: feed('') {call_floor('feed'):.0f} ns, .value of an unchanged value {call_floor('value'):.0f} ns (loop included)")
    for doc in args.docs.split(","):
        if (doc, 100_000) in results and (doc, 1_000_000) in results:
            ratio = results[(doc, 1_000_000)] / results[(doc, 100_000)]
            print(f"# {doc}: structream time(1 MB) / time(100 KB) = {ratio:.2f}")


if __name__ == "__main__":
    main()
