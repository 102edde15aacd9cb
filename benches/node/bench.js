'use strict';
// Reading the partial value after every chunk of an LLM stream, side by
// side in one run:
//   structream        PartialJSON.feed(delta), then .value (the live value)
//   structream-fresh  PartialJSON.feed(delta), then .snapshot() (a fresh value)
//   partial-json      the accumulated text re-parsed per delta (npm partial-json)
//   ai                the accumulated text re-parsed per delta with Vercel AI's
//                     parsePartialJson (what streamObject does), awaited
// at 10 KB, 100 KB and 1 MB in deltas of 1 to 8 characters. Rounds are
// interleaved (every workload once per round) and the best and median of the
// rounds are reported, with ratios of medians from the same run. Times are
// the process's CPU time (user + system), which the other work of a shared
// machine disturbs far less than wall time; wall medians are shown too.
//
//   node bench.js [--sizes 10KB,100KB,1MB] [--rounds 5] [--peer-rounds 3]
//                 [--peers-up-to 100KB] [--json results.json]
//
// The re-parsing peers are quadratic: at 1 MB they take tens of minutes a
// run, so by default they run up to 100 KB only.

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const { llmDocument, deltas } = require('./document');

const { PartialJSON } = require(path.join(__dirname, '..', '..', 'bindings', 'node'));
const partialJson = require('partial-json');
const { parsePartialJson } = require('ai');

const SIZES = { '10KB': 10_000, '100KB': 100_000, '1MB': 1_000_000 };

function args() {
  const out = { sizes: ['10KB', '100KB', '1MB'], rounds: 5, peerRounds: 3, peersUpTo: '100KB', json: null };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === '--sizes') out.sizes = value.split(',');
    else if (flag === '--rounds') out.rounds = Number(value);
    else if (flag === '--peer-rounds') out.peerRounds = Number(value);
    else if (flag === '--peers-up-to') out.peersUpTo = value;
    else if (flag === '--json') out.json = value;
    else throw new Error(`unknown flag ${flag}`);
  }
  for (const size of [...out.sizes, out.peersUpTo]) {
    if (!(size in SIZES)) throw new Error(`unknown size ${size}`);
  }
  return out;
}

/** The workloads: each consumes every delta and returns the last value. */
const WORKLOADS = {
  structream(chunks) {
    const p = new PartialJSON();
    let value;
    for (const chunk of chunks) {
      p.feed(chunk);
      value = p.value;
    }
    p.finish();
    return value;
  },
  'structream-fresh'(chunks) {
    const p = new PartialJSON();
    let value;
    for (const chunk of chunks) {
      p.feed(chunk);
      value = p.snapshot();
    }
    p.finish();
    return p.snapshot() ?? value;
  },
  'partial-json'(chunks) {
    let text = '';
    let value;
    for (const chunk of chunks) {
      text += chunk;
      try {
        value = partialJson.parse(text);
      } catch {
        // A prefix it cannot read yet (a lone `-`, say): keep the last value.
      }
    }
    return value;
  },
  async ai(chunks) {
    let text = '';
    let value;
    for (const chunk of chunks) {
      text += chunk;
      const result = await parsePartialJson(text);
      if (result.value !== undefined) value = result.value;
    }
    return value;
  },
};
const OURS = ['structream', 'structream-fresh'];
const PEERS = ['partial-json', 'ai'];

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function fmt(ms) {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(3)} ms`;
}

async function main() {
  const opts = args();
  const results = {};
  const rows = [];
  for (const size of opts.sizes) {
    const text = llmDocument(SIZES[size]);
    const chunks = deltas(text);
    const want = JSON.parse(text);
    const peers = SIZES[size] <= SIZES[opts.peersUpTo] ? PEERS : [];
    const names = [...OURS, ...peers];
    // Each workload's result is checked once, outside the timings.
    for (const name of names) {
      assert.deepStrictEqual(await WORKLOADS[name](chunks), want, `${name} at ${size}`);
    }
    const times = Object.fromEntries(names.map((n) => [n, []]));
    const wall = Object.fromEntries(names.map((n) => [n, []]));
    const rounds = Math.max(opts.rounds, opts.peerRounds);
    for (let round = 0; round < rounds; round++) {
      for (const name of names) {
        const limit = OURS.includes(name) ? opts.rounds : opts.peerRounds;
        if (round >= limit) continue;
        const cpu = process.cpuUsage();
        const start = performance.now();
        await WORKLOADS[name](chunks);
        wall[name].push(performance.now() - start);
        const used = process.cpuUsage(cpu);
        times[name].push((used.user + used.system) / 1000);
      }
    }
    results[size] = {
      bytes: Buffer.byteLength(text),
      chunks: chunks.length,
      ms: Object.fromEntries(
        names.map((n) => [
          n,
          { best: Math.min(...times[n]), median: median(times[n]), runs: times[n], wallMedian: median(wall[n]) },
        ]),
      ),
    };
    for (const name of names) {
      const { best, median: med, wallMedian, runs } = results[size].ms[name];
      rows.push([size, name, runs.length, fmt(best), fmt(med), `${((med * 1000) / chunks.length).toFixed(2)} µs`, fmt(wallMedian)]);
    }
    process.stderr.write(`done ${size}\n`);
  }

  const out = [];
  out.push(`Node ${process.version}; document: LLM-style analysis, deltas of 1-8 characters (3,1,6,2,8,4,7,5).`);
  out.push('');
  out.push('CPU time of the process (user + system), which other work on the machine disturbs less than wall time; wall-time medians in the last column.');
  out.push('');
  out.push('| size | workload | runs | best | median | median per delta | wall median |');
  out.push('| --- | --- | --- | --- | --- | --- | --- |');
  for (const row of rows) out.push(`| ${row.join(' | ')} |`);
  out.push('');
  out.push('| size | bytes | deltas | partial-json / structream | ai / structream | partial-json / structream-fresh | ai / structream-fresh |');
  out.push('| --- | --- | --- | --- | --- | --- | --- |');
  for (const size of opts.sizes) {
    const r = results[size];
    const ratio = (peer, ours) => (r.ms[peer] ? `${Math.round(r.ms[peer].median / r.ms[ours].median)}×` : 'not run');
    out.push(
      `| ${size} | ${r.bytes} | ${r.chunks} | ${ratio('partial-json', 'structream')} | ${ratio('ai', 'structream')} | ` +
        `${ratio('partial-json', 'structream-fresh')} | ${ratio('ai', 'structream-fresh')} |`,
    );
  }
  if (results['100KB'] && results['1MB']) {
    out.push('');
    for (const name of OURS) {
      const scale = results['1MB'].ms[name].median / results['100KB'].ms[name].median;
      out.push(`time(1MB) / time(100KB), ${name}: ${scale.toFixed(2)}`);
    }
    for (const name of PEERS) {
      if (results['1MB'].ms[name]) {
        const scale = results['1MB'].ms[name].median / results['100KB'].ms[name].median;
        out.push(`time(1MB) / time(100KB), ${name}: ${scale.toFixed(2)}`);
      }
    }
  }
  console.log(out.join('\n'));
  if (opts.json) fs.writeFileSync(opts.json, JSON.stringify(results, null, 2));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
