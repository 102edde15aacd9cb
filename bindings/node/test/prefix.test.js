'use strict';
// Every prefix: the live value is the document's own snapshot, consistent
// with the final value; fresh snapshots never change afterwards.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { PartialJSON } = require('..');
const { corpus, consistent } = require('./helpers');

const SMALL = [
  ...corpus('jsontestsuite', (n) => n.startsWith('y_')),
  ...corpus('json-bench/jsonchecker', (n) => n.startsWith('pass')),
  ...corpus('json-bench/roundtrip'),
  ...corpus('partial-json/jiter-benches', (n) => !n.includes('massive')),
];
const SAMPLED = [
  ...corpus('json-bench', (n) => n === 'twitter.json'),
  ...corpus('json-bench/simdjson', (n) => n === 'github_events.json'),
];

/** Every prefix up to 3,000 bytes; about 3,000 evenly spaced ones above. */
function spacing(bytes) {
  return Math.max(1, Math.ceil(bytes.length / 3000));
}

/** Whether every string in `partial` is a whole string of `final`. */
function wholeStrings(partial, final) {
  if (typeof partial === 'string') return partial === final;
  if (partial !== null && typeof partial === 'object') {
    return Object.keys(partial).every((k) => wholeStrings(partial[k], final[k]));
  }
  return true;
}

/**
 * Feeds `bytes` one at a time; checks at every `every`-th byte that the
 * live value is the document's snapshot and consistent with `final`, keeps
 * each changed snapshot with its text, and checks them all at the end.
 */
function walk(name, bytes, options, every, extra = () => {}) {
  const final = JSON.parse(bytes.toString('utf8'));
  const p = new PartialJSON(options);
  const kept = [];
  let previous;
  let changedSince = false;
  for (let i = 0; i < bytes.length; i++) {
    changedSince = p.feed(bytes.subarray(i, i + 1)) || changedSince;
    const check = i % every === 0 || i === bytes.length - 1;
    if (check && changedSince) {
      const snapshot = p.snapshot();
      if (previous !== null && typeof previous === 'object') {
        assert.notEqual(snapshot, previous, `${name} @${i}: a changed value is a new snapshot`);
      }
      previous = snapshot;
      changedSince = false;
      kept.push([i, snapshot, JSON.stringify(snapshot)]);
    } else if (check) {
      assert.equal(p.snapshot(), previous, `${name} @${i}: no change, same snapshot`);
    }
    if (check) {
      const json = p.json();
      assert.deepStrictEqual(p.value, json === undefined ? undefined : JSON.parse(json), `${name} @${i}`);
      // A repeated key shows its first value until the last one is complete.
      const repeated = /duplicated_key/.test(name);
      assert.ok(p.value === undefined || repeated || consistent(p.value, final), `${name} @${i}: consistent`);
      extra(p.value, final, i);
    }
  }
  assert.equal(p.finish(), true, name);
  assert.deepStrictEqual(p.value, final, name);
  for (const [i, snapshot, text] of kept) {
    assert.equal(JSON.stringify(snapshot), text, `${name}: the snapshot taken @${i} changed`);
  }
}

test('every prefix of the small files, strings as they grow', () => {
  for (const [name, bytes] of SMALL) walk(name, bytes, {}, spacing(bytes));
});

test("every prefix with partialMode 'on': only whole strings", () => {
  for (const [name, bytes] of SMALL) {
    walk(name, bytes, { partialMode: 'on' }, spacing(bytes), (value, final, i) => {
      const repeated = /duplicated_key/.test(name);
      assert.ok(value === undefined || repeated || wholeStrings(value, final), `${name} @${i}: whole strings`);
    });
  }
});

test("every prefix with partialMode 'off': nothing until complete", () => {
  for (const [name, bytes] of SMALL) {
    const final = JSON.parse(bytes.toString('utf8'));
    const p = new PartialJSON({ partialMode: 'off' });
    for (let i = 0; i < bytes.length; i++) {
      p.feed(bytes.subarray(i, i + 1));
      if (p.value !== undefined) {
        assert.ok(p.complete || typeof final === 'number', `${name} @${i}: shown before complete`);
        assert.deepStrictEqual(p.value, final, `${name} @${i}`);
      }
    }
    p.finish();
    assert.deepStrictEqual(p.value, final, name);
  }
});

test('sampled prefixes of large files', () => {
  for (const [name, bytes] of SAMPLED) walk(name, bytes, {}, Math.ceil(bytes.length / 300));
});

test('completed subtrees are built once: the same objects chunk after chunk', () => {
  const doc = {
    title: 'A report',
    sections: Array.from({ length: 30 }, (_, i) => ({
      id: i,
      heading: `Section ${i}`,
      tags: ['a', 'b'],
      body: 'x'.repeat(i * 7),
    })),
    complete: true,
  };
  const bytes = Buffer.from(JSON.stringify(doc, null, 1));
  const p = new PartialJSON();
  const seen = new Map();
  let root;
  for (let i = 0; i < bytes.length; i += 3) {
    p.feed(bytes.subarray(i, i + 3));
    const value = p.value;
    if (value === undefined) continue;
    root ??= value;
    assert.equal(value, root, 'the live value keeps its identity');
    const sections = value.sections ?? [];
    for (let s = 0; s < sections.length - 1; s++) {
      // Section s is complete once section s + 1 has begun.
      if (!seen.has(s)) seen.set(s, sections[s]);
      assert.equal(sections[s], seen.get(s), `section ${s} rebuilt`);
      assert.equal(p.state(`/sections/${s}`), 'complete');
    }
  }
  p.finish();
  assert.deepStrictEqual(p.value, doc);
  assert.equal(seen.size, 29);
});
