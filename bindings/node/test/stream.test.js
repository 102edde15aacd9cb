'use strict';
// PartialJSONStream: text deltas in, fresh partial values out, as a web
// TransformStream, with Vercel AI's streamText among its sources.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { PartialJSON, PartialJSONStream, JSONError } = require('..');
const { corpus } = require('./helpers');

async function collect(readable) {
  const out = [];
  for await (const value of readable) out.push([value, JSON.stringify(value)]);
  return out;
}

/** The values a PartialJSON shows after each piece that changes it. */
function expectedValues(pieces) {
  const p = new PartialJSON();
  const out = [];
  for (const piece of pieces) if (p.feed(piece)) out.push(p.json());
  const before = p.json();
  p.finish();
  if (p.json() !== before) out.push(p.json());
  return out;
}

test('one fresh value per change; earlier values never change', async () => {
  const files = [
    ...corpus('json-bench/simdjson', (n) => n === 'github_events.json'),
    ...corpus('partial-json/jiter-benches', (n) => n === 'medium_response.json' || n === 'pass1.json'),
  ];
  for (const [name, bytes] of files) {
    const text = bytes.toString('utf8');
    // Text deltas: cut the text, not the bytes (whole code points).
    const deltas = [];
    for (let at = 0, i = 0; at < text.length; i++) {
      let end = Math.min(text.length, at + 1 + (i % 8));
      const c = text.charCodeAt(end - 1);
      if (c >= 0xd800 && c <= 0xdbff) end++;
      deltas.push(text.slice(at, end));
      at = end;
    }
    const received = await collect(ReadableStream.from(deltas).pipeThrough(new PartialJSONStream()));
    const want = expectedValues(deltas);
    assert.equal(received.length, want.length, name);
    for (let i = 0; i < received.length; i++) {
      const [value, textThen] = received[i];
      assert.deepStrictEqual(value, JSON.parse(want[i]), `${name} value ${i}`);
      assert.equal(JSON.stringify(value), textThen, `${name} value ${i} changed after it was read`);
      if (i > 0) assert.notEqual(value, received[i - 1][0]);
    }
    assert.deepStrictEqual(received.at(-1)[0], JSON.parse(text), name);
  }
});

test('bytes in, and a value completed by the end of input', async () => {
  const enc = new TextEncoder();
  const chunks = [enc.encode('[1, "\u00e9'), enc.encode('t", 25]')];
  const received = await collect(ReadableStream.from(chunks).pipeThrough(new PartialJSONStream()));
  assert.deepStrictEqual(
    received.map(([v]) => v),
    [[1, '\u00e9'], [1, '\u00e9t', 25]],
  );
  // A top-level number is whole only when the input ends.
  const number = await collect(ReadableStream.from(['12', '34']).pipeThrough(new PartialJSONStream()));
  assert.deepStrictEqual(number, [[1234, '1234']]);
});

test('invalid input errors the stream with the JSONError', async () => {
  const readable = ReadableStream.from(['{"a": [1, 2', '] x']).pipeThrough(new PartialJSONStream());
  const seen = [];
  await assert.rejects(
    (async () => {
      for await (const v of readable) seen.push(v);
    })(),
    (e) => e instanceof JSONError && e.byte === 13 && e.kind === 'syntax',
  );
  assert.deepStrictEqual(seen, [{ a: [1] }]);
});

test('input that stops early: the last partial value, or an error on request', async () => {
  const chunks = ['{"a": "cut o', 'ff'];
  const values = await collect(ReadableStream.from(chunks).pipeThrough(new PartialJSONStream()));
  assert.deepStrictEqual(values.at(-1)[0], { a: 'cut off' });
  const strict = ReadableStream.from(chunks).pipeThrough(new PartialJSONStream({ requireComplete: true }));
  await assert.rejects(collect(strict), (e) => e instanceof JSONError && e.kind === 'eof' && e.byte === 14);
  assert.throws(() => new PartialJSONStream({ partial_mode: 'on' }), TypeError);
});

test("Vercel AI: streamText's textStream piped through", async () => {
  const { streamText, simulateReadableStream } = await import('ai');
  const { MockLanguageModelV3 } = await import('ai/test');
  const text = '```json\n{"title": "Trip", "days": [{"city": "Oslo", "sights": ["fjord", "opera"]}, {"city": "Bergen"}]}\n```';
  const deltas = [];
  for (let at = 0, i = 0; at < text.length; i++) {
    const len = 1 + (i % 6);
    deltas.push(text.slice(at, at + len));
    at += len;
  }
  const rejoined = deltas.join('');
  const model = new MockLanguageModelV3({
    doStream: async () => ({
      stream: simulateReadableStream({
        chunks: [
          { type: 'text-start', id: 't' },
          ...deltas.map((delta) => ({ type: 'text-delta', id: 't', delta })),
          { type: 'text-end', id: 't' },
          {
            type: 'finish',
            finishReason: { unified: 'stop', raw: 'stop' },
            usage: { inputTokens: { total: 3 }, outputTokens: { total: deltas.length } },
          },
        ],
      }),
    }),
  });
  const result = streamText({ model, prompt: 'Plan a trip' });
  const partials = result.textStream.pipeThrough(new PartialJSONStream({ lenient: true }));
  const received = await collect(partials);
  const fenced = rejoined.slice(rejoined.indexOf('{'), rejoined.lastIndexOf('}') + 1);
  assert.deepStrictEqual(received.at(-1)[0], JSON.parse(fenced));
  assert.ok(received.length > 10, `${received.length} partial values`);
  for (const [value, textThen] of received) assert.equal(JSON.stringify(value), textThen);
  const cities = received.map(([v]) => (v.days ?? []).map((d) => d.city).join(','));
  assert.ok(cities.includes('Oslo') && cities.includes('Oslo,Bergen'));
});
