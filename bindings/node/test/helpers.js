'use strict';
// Shared by the tests: the corpora, ways to cut an input, and a check that
// a partial value is consistent with the final one.

const fs = require('node:fs');
const path = require('node:path');
const assert = require('node:assert/strict');
const { PartialJSON, JSONError } = require('..');
const { rng } = require('./rng');

const CORPORA = path.join(__dirname, '..', '..', '..', 'tests', 'corpora');

/** `[name, bytes]` of the files in `dir` (under the corpora) that `keep` accepts. */
function corpus(dir, keep = () => true) {
  const full = path.join(CORPORA, dir);
  return fs
    .readdirSync(full)
    .filter((name) => name.endsWith('.json') && keep(name))
    .sort()
    .map((name) => [`${dir}/${name}`, fs.readFileSync(path.join(full, name))]);
}

/** `bytes` cut at the given offsets. */
function cutAt(bytes, offsets) {
  const pieces = [];
  let start = 0;
  for (const at of offsets) {
    pieces.push(bytes.subarray(start, at));
    start = at;
  }
  pieces.push(bytes.subarray(start));
  return pieces;
}

/** `bytes` in pieces of `min` to `max` bytes, at random. */
function randomPieces(bytes, seed, min = 1, max = 8) {
  const next = rng(seed);
  const pieces = [];
  for (let at = 0; at < bytes.length; ) {
    const len = min + next(max - min + 1);
    pieces.push(bytes.subarray(at, at + len));
    at += len;
  }
  return pieces;
}

/** Feeds `pieces` and finishes; returns the parser. */
function parseAll(pieces, options) {
  const p = new PartialJSON(options);
  for (const piece of pieces) p.feed(piece);
  assert.equal(p.finish(), true, 'the input holds one whole value');
  return p;
}

/**
 * Whether `partial` can be an earlier view of `final`: strings are
 * prefixes, containers hold consistent members, every item but the last of
 * an array is complete, scalars are equal.
 */
function consistent(partial, final) {
  if (typeof partial === 'string') return typeof final === 'string' && final.startsWith(partial);
  if (Array.isArray(partial)) {
    if (!Array.isArray(final) || partial.length > final.length) return false;
    for (let i = 0; i < partial.length; i++) {
      if (i < partial.length - 1 && !deepEqual(partial[i], final[i])) return false;
      if (!consistent(partial[i], final[i])) return false;
    }
    return true;
  }
  if (partial !== null && typeof partial === 'object') {
    if (final === null || typeof final !== 'object' || Array.isArray(final)) return false;
    for (const key of Object.keys(partial)) {
      if (!Object.prototype.hasOwnProperty.call(final, key)) return false;
      if (!consistent(partial[key], final[key])) return false;
    }
    return true;
  }
  return Object.is(partial, final);
}

function deepEqual(a, b) {
  try {
    assert.deepStrictEqual(a, b);
    return true;
  } catch {
    return false;
  }
}

/** Line and column (1-based, columns in bytes) of byte `offset` of `bytes`. */
function lineColumn(bytes, offset) {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < bytes.length; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Feeds `pieces` and finishes; returns `{ error }` (a JSONError, from feed
 * or finish), `{ incomplete }` (finish said the input stopped early) or
 * `{ value }`. Any other exception fails the test.
 */
function outcome(pieces, options) {
  const p = new PartialJSON(options);
  try {
    for (const piece of pieces) p.feed(piece);
    if (!p.finish()) return { incomplete: p.incompleteError, parser: p };
  } catch (error) {
    assert.ok(error instanceof JSONError, `not a JSONError: ${error && error.stack}`);
    return { error, parser: p };
  }
  return { value: p.value, parser: p };
}

module.exports = {
  CORPORA,
  corpus,
  rng,
  cutAt,
  randomPieces,
  parseAll,
  consistent,
  deepEqual,
  lineColumn,
  outcome,
};
