'use strict';
// The repair option: almost-JSON repaired as it streams, each repair
// reported, the same at every chunking; valid JSON read as without it.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { PartialJSON, JSONError, REPAIR_KINDS } = require('..');

// [input, value, repair kinds in input order]
const CASES = [
  ['{"quote": "she said "hi" to me"}', { quote: 'she said "hi" to me' }, ['unescaped-quote', 'unescaped-quote']],
  ["{'name': 'Ada'}", { name: 'Ada' }, ['single-quotes', 'single-quotes']],
  ['{name: "x", status: active}', { name: 'x', status: 'active' }, ['unquoted-key', 'unquoted-key', 'unquoted-string']],
  ['[1, 2,]', [1, 2], ['trailing-comma']],
  ['{"a": 1 "b": 2}', { a: 1, b: 2 }, ['missing-comma']],
  ['[.5, +5, 007]', [0.5, 5, 7], ['number', 'number', 'number']],
  ['{"ok": True, "none": None} // done', { ok: true, none: null }, ['literal', 'literal', 'comment']],
  ['{"a": [1, 2}', { a: [1, 2] }, ['bracket']],
  ['{"a": {"b": 1}}, "c": 2}', { a: { b: 1 }, c: 2 }, ['premature-close']],
  ['(1, 2)', [1, 2], ['tuple']],
  ['{"city": “Paris”}', { city: 'Paris' }, ['curly-quotes']],
];

function parse(pieces, options) {
  const p = new PartialJSON(options);
  for (const piece of pieces) p.feed(piece);
  assert.equal(p.finish(), true);
  return p;
}

test('each kind is repaired and reported', () => {
  for (const [text, value, kinds] of CASES) {
    const p = parse([text], { repair: true });
    assert.deepStrictEqual(p.value, value, text);
    assert.deepStrictEqual(p.repairs.map((r) => r.kind), kinds, text);
    const bytes = p.repairs.map((r) => r.byte);
    assert.deepStrictEqual(bytes, [...bytes].sort((a, b) => a - b), text);
    assert.ok(bytes.every((b) => b >= 0 && b <= Buffer.byteLength(text)), text);
    assert.throws(() => parse([text], {}), JSONError, `${text} is not JSON`);
  }
});

test('the same value and repairs at every split', () => {
  for (const [text, value] of CASES) {
    const bytes = Buffer.from(text);
    const whole = parse([bytes], { repair: true }).repairs;
    for (let cut = 1; cut < bytes.length; cut++) {
      const p = parse([bytes.subarray(0, cut), bytes.subarray(cut)], { repair: true });
      assert.deepStrictEqual([p.value, p.repairs], [value, whole], `${text} cut at ${cut}`);
    }
  }
});

test('valid JSON reads the same with repair on', () => {
  for (const doc of ['{"u": [{"n": "J\\"x", "a": 30.5}], "z": null}', '[1, -2e3, true, false, "\\u00e9"]']) {
    const p = parse([doc], { repair: true });
    assert.deepStrictEqual(p.value, JSON.parse(doc));
    assert.deepStrictEqual(p.repairs, []);
  }
});

test('only the kinds asked for, and what NaN becomes', () => {
  const p = parse(['[1, 2,]'], { repair: ['trailing-comma'] });
  assert.deepStrictEqual([p.value, p.repairs], [[1, 2], [{ kind: 'trailing-comma', byte: 5 }]]);
  assert.throws(() => parse(["['x',]"], { repair: ['trailing-comma'] }), (e) => e instanceof JSONError && e.byte === 1);
  assert.deepStrictEqual(parse(['[NaN, Infinity]'], { repair: true }).value, [null, null]);
  assert.deepStrictEqual(parse(['[NaN, -Infinity]'], { repair: true, nonFinite: 'string' }).value, ['NaN', '-Infinity']);
  assert.throws(() => parse(['[NaN]'], { repair: true, nonFinite: 'error' }), JSONError);
});

test('repairs made before an error are kept', () => {
  const p = new PartialJSON({ repair: ['single-quotes'] });
  assert.throws(() => p.feed("{'a': 1, 'b': tru }"), JSONError);
  assert.deepStrictEqual(p.repairs.map((r) => r.kind), ['single-quotes', 'single-quotes']);
});

test('repair options are checked', () => {
  assert.ok(Object.isFrozen(REPAIR_KINDS) && REPAIR_KINDS.includes('trailing-comma'));
  assert.equal(new Set(REPAIR_KINDS).size, REPAIR_KINDS.length);
  for (const kind of REPAIR_KINDS) new PartialJSON({ repair: [kind] });
  assert.throws(() => new PartialJSON({ repair: ['commas'] }), /unknown repair kind "commas".*trailing-comma/);
  assert.throws(() => new PartialJSON({ repair: 'trailing-comma' }), TypeError);
  assert.throws(() => new PartialJSON({ repair: true, nonFinite: 'zero' }), /nonFinite/);
  assert.deepStrictEqual(new PartialJSON({ repair: false }).repairs, []);
});
