'use strict';
// The API: options, inputs, items, node states, live and fresh values.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { PartialJSON, JSONError } = require('..');

function feedAll(p, pieces) {
  return pieces.map((piece) => p.feed(piece));
}

test('the example of the README', () => {
  const p = new PartialJSON({ partialMode: 'trailing-strings', items: ['/users'], lenient: false });
  assert.equal(p.value, undefined);
  assert.equal(p.json(), undefined);
  assert.equal(p.feed('{"users": [{"name": "Ja'), true);
  assert.deepStrictEqual(p.value, { users: [{ name: 'Ja' }] });
  assert.deepStrictEqual(p.items, []);
  assert.equal(p.state('/users/0'), 'incomplete');
  assert.equal(p.feed(Buffer.from('ne", "age": 3')), true);
  assert.deepStrictEqual(p.value, { users: [{ name: 'Jane' }] }, 'half a number is not shown');
  assert.equal(p.feed('0}, {"name": "Bo"}]}'), true);
  assert.deepStrictEqual(p.items, [{ name: 'Jane', age: 30 }, { name: 'Bo' }]);
  assert.deepStrictEqual(p.itemEvents, [
    { path: '/users', index: 0, value: { name: 'Jane', age: 30 } },
    { path: '/users', index: 1, value: { name: 'Bo' } },
  ]);
  assert.equal(p.items[0], p.value.users[0], 'an item is the object in the value');
  assert.equal(p.state('/users/0'), 'complete');
  assert.equal(p.state('/users/2'), undefined);
  assert.equal(p.json(), '{"users":[{"name":"Jane","age":30},{"name":"Bo"}]}');
  assert.equal(p.feed('  '), false);
  assert.deepStrictEqual(p.items, [], 'items are those of the last feed');
  assert.equal(p.finish(), true);
  assert.equal(p.complete, true);
});

test('chunks: strings, Buffers, Uint8Arrays, ArrayBuffers; empty ones change nothing', () => {
  const p = new PartialJSON();
  const enc = new TextEncoder();
  assert.deepStrictEqual(
    feedAll(p, ['', '[1', Buffer.alloc(0), new Uint8Array(0), enc.encode(', "é'), enc.encode('t').buffer, '"]']),
    [false, true, false, false, true, true, false],
  );
  assert.equal(p.finish(), true);
  assert.deepStrictEqual(p.value, [1, 'ét']);
  assert.throws(() => new PartialJSON().feed(42), TypeError);
  assert.throws(() => new PartialJSON().feed(null), TypeError);
});

test('options are checked', () => {
  assert.throws(() => new PartialJSON({ partial_mode: 'on' }), /unknown option "partial_mode"/);
  assert.throws(() => new PartialJSON({ partialMode: 'sometimes' }), TypeError);
  assert.throws(() => new PartialJSON({ items: '/users' }), TypeError);
  assert.throws(() => new PartialJSON({ items: ['users'] }), /invalid JSON Pointer pattern/);
  assert.throws(() => new PartialJSON({ lenientRoot: 'string' }), /lenientRoot/);
  assert.throws(() => new PartialJSON({ maxDepth: -1 }), TypeError);
  assert.throws(() => new PartialJSON({ loneSurrogates: 'keep' }), /loneSurrogates/);
  assert.throws(() => new PartialJSON('on'), TypeError);
  for (const partialMode of ['trailing-strings', 'on', 'off', true, false]) new PartialJSON({ partialMode });
});

test("partialMode: true is 'on', false is 'off'", () => {
  const on = new PartialJSON({ partialMode: true });
  on.feed('{"a": "xy", "b": "pa');
  assert.deepStrictEqual(on.value, { a: 'xy' });
  assert.equal(on.state('/b'), 'pending');
  const off = new PartialJSON({ partialMode: false });
  off.feed('{"a": "xy", "b": "pa');
  assert.equal(off.value, undefined);
  assert.equal(off.state(''), 'pending');
  off.feed('rt"}');
  assert.deepStrictEqual(off.value, { a: 'xy', b: 'part' });
});

test('scalars at the top level show when complete', () => {
  const p = new PartialJSON();
  assert.equal(p.feed('12'), false);
  assert.equal(p.value, undefined);
  assert.equal(p.finish(), true);
  assert.equal(p.value, 12);
  const s = new PartialJSON();
  feedAll(s, ['"ab', 'c\\n', '\\u00e9"']);
  assert.equal(s.value, 'abc\né');
  assert.equal(s.finish(), true);
});

test('member names JSON.parse keeps as plain members: __proto__, constructor', () => {
  const text = '{"__proto__": {"x": 1}, "constructor": "c", "toString": [1], "a": {"__proto__": "y"}}';
  const p = new PartialJSON();
  for (const ch of text) p.feed(ch);
  assert.equal(p.finish(), true);
  assert.deepStrictEqual(p.value, JSON.parse(text));
  assert.equal(Object.getPrototypeOf(p.value), Object.prototype);
  assert.ok(Object.prototype.hasOwnProperty.call(p.value, '__proto__'));
  assert.deepStrictEqual(p.snapshot(), JSON.parse(text));
  assert.equal({}.x, undefined, 'no prototype was touched');
  assert.equal(p.state('/__proto__/x'), 'complete');
});

test('repeated keys: the last value, in the first place', () => {
  const text = '{"a": [1], "b": 2, "a": {"c": "d"}}';
  const p = new PartialJSON();
  for (const ch of text) p.feed(ch);
  p.finish();
  assert.deepStrictEqual(p.value, JSON.parse(text));
  assert.deepStrictEqual(Object.keys(p.value), ['a', 'b']);
});

test('lenient input: prose, fences and reasoning around the value', () => {
  const text = '<think>maybe {"no": 1}</think>Sure! Here it is:\n```json\n{"city": "Oslo", "n": [1, 2]}\n```\nAnything else?';
  for (const size of [1, 3, 7, text.length]) {
    const p = new PartialJSON({ lenient: true, lenientRoot: 'object' });
    for (let i = 0; i < text.length; i += size) p.feed(text.slice(i, i + size));
    assert.equal(p.finish(), true);
    assert.deepStrictEqual(p.value, { city: 'Oslo', n: [1, 2] });
  }
  assert.throws(() => new PartialJSON().feed(text), JSONError);
});

test('hold: a value shows only once complete', () => {
  const p = new PartialJSON({ hold: ['/type'] });
  p.feed('{"type": "sea');
  assert.deepStrictEqual(p.value, {});
  assert.equal(p.state('/type'), 'pending');
  p.feed('rch", "q": "x"}');
  assert.deepStrictEqual(p.value, { type: 'search', q: 'x' });
});

test('items with wildcards and a top-level array', () => {
  const p = new PartialJSON({ items: ['', '/*/tags'] });
  const text = '[{"tags": ["a", "b"]}, {"tags": []}, 3]';
  const seen = [];
  for (const ch of text) {
    p.feed(ch);
    for (const e of p.itemEvents) seen.push([e.path, e.index, e.value]);
  }
  p.finish();
  assert.deepStrictEqual(seen, [
    ['/0/tags', 0, 'a'],
    ['/0/tags', 1, 'b'],
    ['', 0, { tags: ['a', 'b'] }],
    ['', 1, { tags: [] }],
    ['', 2, 3],
  ]);
});

test('state: pointers that are not pointers are refused', () => {
  const p = new PartialJSON();
  p.feed('{"a": [10, {"b~/c": "x');
  assert.equal(p.state(''), 'incomplete');
  assert.equal(p.state('/a'), 'incomplete');
  assert.equal(p.state('/a/0'), 'complete');
  assert.equal(p.state('/a/1/b~0~1c'), 'incomplete');
  assert.equal(p.state('/a/01'), undefined);
  assert.equal(p.state('/zz'), undefined);
  assert.throws(() => p.state('a'), TypeError);
  assert.throws(() => p.state(3), TypeError);
});

test('live value: one object grown in place; fresh snapshots stay as they were', () => {
  const p = new PartialJSON();
  p.feed('{"list": [{"n": 1}, {"n": 2}], "text": "ab');
  const live = p.value;
  const first = p.snapshot();
  assert.equal(p.snapshot(), first, 'unchanged: the same snapshot');
  const done = live.list[0];
  assert.equal(first.list[0], done, 'completed subtrees are shared');
  p.feed('c", "more": [3');
  assert.equal(p.value, live);
  assert.deepStrictEqual(live, { list: [{ n: 1 }, { n: 2 }], text: 'abc', more: [] });
  assert.deepStrictEqual(first, { list: [{ n: 1 }, { n: 2 }], text: 'ab' });
  const second = p.snapshot();
  assert.notEqual(second, first);
  p.feed(', 4]}');
  p.finish();
  assert.deepStrictEqual(second, { list: [{ n: 1 }, { n: 2 }], text: 'abc', more: [] });
  assert.deepStrictEqual(p.snapshot(), { list: [{ n: 1 }, { n: 2 }], text: 'abc', more: [3, 4] });
  assert.equal(p.value.list[0], done);
});

test('a live value changed by its user is rebuilt from the document', () => {
  const p = new PartialJSON();
  p.feed('{"a": {"b": [1, "x');
  delete p.value.a;
  p.feed('y", 2], "c": "z"}}');
  assert.deepStrictEqual(p.value, { a: { b: [1, 'xy', 2], c: 'z' } });
  p.value.a.b = 'gone';
  assert.equal(p.finish(), true);
  assert.deepStrictEqual(p.value.a.b, 'gone', 'no change after the end: nothing to rebuild');
});

test('items not in the value, or replaced by a repeated key, are built from their JSON', () => {
  const held = new PartialJSON({ items: ['/u'], partialMode: 'off' });
  held.feed('{"u": [{"a": 1}, {"b": [2]}');
  assert.equal(held.value, undefined);
  assert.deepStrictEqual(held.items, [{ a: 1 }, { b: [2] }]);
  const repeated = new PartialJSON({ items: ['/u'] });
  repeated.feed('{"u": [{"a": 1}], "u": [{"a": 2}]}');
  assert.deepStrictEqual(repeated.items, [{ a: 1 }, { a: 2 }]);
  assert.deepStrictEqual(repeated.value, { u: [{ a: 2 }] });
  assert.equal(repeated.items[1], repeated.value.u[0]);
  const numbers = new PartialJSON({ items: [''] });
  numbers.feed('[{"x": 1.50}, {"y": -0}, {"z": 1e2}]');
  assert.deepStrictEqual(numbers.items, [{ x: 1.5 }, { y: -0 }, { z: 100 }]);
  assert.ok(Object.is(numbers.items[1].y, -0));
});
