'use strict';
// Every chunking of the corpora gives what JSON.parse gives for the whole.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { corpus, cutAt, randomPieces, parseAll, rng } = require('./helpers');

// Valid documents, as bytes. The transform files with invalid code points
// (raw invalid UTF-8, or escaped lone surrogates) are left to errors.test.js:
// JSON.parse sees them through a lossy decoding.
const SMALL = [
  ...corpus('jsontestsuite', (n) => n.startsWith('y_')),
  ...corpus('jsontestsuite-transform', (n) => !n.startsWith('string_') || n.includes('NULL')),
  ...corpus('json-bench/jsonchecker', (n) => n.startsWith('pass')),
  ...corpus('json-bench/roundtrip'),
  ...corpus('partial-json/jiter-benches'),
];
const LARGE = [
  ...corpus('json-bench', () => true),
  ...corpus('json-bench/simdjson'),
];

/** Every split in two for inputs up to this size; a sample above. */
const ALL_SPLITS_UP_TO = 4096;

function expected(bytes) {
  return JSON.parse(bytes.toString('utf8'));
}

function splitPoints(length, count, seed) {
  if (length <= ALL_SPLITS_UP_TO) return Array.from({ length: length + 1 }, (_, i) => i);
  const next = rng(seed);
  return Array.from({ length: count }, () => next(length + 1));
}

test('the corpora are there', () => {
  assert.ok(SMALL.length >= 150, `${SMALL.length} small files`);
  assert.ok(LARGE.length >= 12, `${LARGE.length} large files`);
});

test('small files: one feed, every split in two, every byte apart, random pieces', () => {
  for (const [name, bytes] of SMALL) {
    const want = expected(bytes);
    const check = (pieces, how) => {
      const p = parseAll(pieces);
      assert.deepStrictEqual(p.value, want, `${name} ${how}`);
      assert.deepStrictEqual(p.snapshot(), want, `${name} ${how} (snapshot)`);
    };
    check([bytes], 'whole');
    for (const at of splitPoints(bytes.length, 256, bytes.length)) check(cutAt(bytes, [at]), `split at ${at}`);
    check(cutAt(bytes, Array.from({ length: Math.max(0, bytes.length - 1) }, (_, i) => i + 1)), 'bytewise');
    for (let seed = 1; seed <= 8; seed++) check(randomPieces(bytes, seed), `seed ${seed}`);
  }
});

test('small files as text, in pieces of whole code points', () => {
  for (const [name, bytes] of SMALL) {
    const text = bytes.toString('utf8');
    const points = Array.from(text);
    for (let seed = 1; seed <= 4; seed++) {
      const next = rng(seed);
      const pieces = [];
      for (let at = 0; at < points.length; ) {
        const len = 1 + next(8);
        pieces.push(points.slice(at, at + len).join(''));
        at += len;
      }
      assert.deepStrictEqual(parseAll(pieces).value, expected(bytes), `${name} seed ${seed}`);
    }
  }
});

test('large files: LLM-sized random pieces and sampled splits', () => {
  for (const [name, bytes] of LARGE) {
    const want = expected(bytes);
    assert.deepStrictEqual(parseAll(randomPieces(bytes, 7)).value, want, `${name} 1-8 bytes`);
    assert.deepStrictEqual(parseAll(randomPieces(bytes, 9, 1, 64)).value, want, `${name} 1-64 bytes`);
    for (const at of splitPoints(bytes.length, 8, bytes.length)) {
      assert.deepStrictEqual(parseAll(cutAt(bytes, [at])).value, want, `${name} split at ${at}`);
    }
  }
});

test('twitter.json one byte at a time', () => {
  const [[name, bytes]] = LARGE.filter(([n]) => n.endsWith('/twitter.json'));
  const pieces = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
  assert.deepStrictEqual(parseAll(pieces).value, expected(bytes), name);
});
