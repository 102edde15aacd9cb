'use strict';
// Invalid input: a JSONError with its position, the same however the input
// is cut, worded as the command line words it; nothing fed after it.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { PartialJSON, JSONError } = require('..');
const { corpus, cutAt, randomPieces, lineColumn, outcome } = require('./helpers');

const INVALID = [
  ...corpus('jsontestsuite', (n) => n.startsWith('n_')),
  ...corpus('json-bench/jsonchecker', (n) => n.startsWith('fail') && !n.includes('EXCLUDE')),
];
const EITHER = corpus('jsontestsuite', (n) => n.startsWith('i_'));

/** What an outcome says, to compare outcomes of different cuttings. */
function verdict(result) {
  const e = result.error ?? result.incomplete;
  if (e === undefined) return { value: JSON.stringify(result.value) };
  return { ended: result.error ? 'error' : 'incomplete', kind: e.kind, byte: e.byte, message: e.message };
}

function cuttings(bytes) {
  const out = [[bytes], randomPieces(bytes, 3), randomPieces(bytes, 5, 1, 3)];
  if (bytes.length <= 2048) {
    out.push(cutAt(bytes, Array.from({ length: Math.max(0, bytes.length - 1) }, (_, i) => i + 1)));
    for (let at = 0; at <= bytes.length; at++) out.push(cutAt(bytes, [at]));
  }
  return out;
}

test('invalid files fail with a position, whatever the cutting', () => {
  for (const [name, bytes] of INVALID) {
    const [first, ...rest] = cuttings(bytes).map((pieces) => outcome(pieces));
    assert.ok(first.value === undefined, `${name} was accepted`);
    const want = verdict(first);
    const e = first.error ?? first.incomplete;
    assert.ok(e instanceof JSONError, name);
    assert.ok(e.byte >= 0 && e.byte <= bytes.length, `${name}: byte ${e.byte}`);
    const { line, column } = lineColumn(bytes, e.byte);
    assert.deepStrictEqual([e.line, e.column], [line, column], `${name}: line and column of byte ${e.byte}`);
    assert.ok(e.message.endsWith(` at line ${line} column ${column} (byte ${e.byte})`), `${name}: ${e.message}`);
    if (first.incomplete) {
      assert.equal(e.kind, 'eof', name);
      assert.equal(e.byte, bytes.length, `${name}: the input ended at its end`);
    } else {
      assert.notEqual(e.kind, 'eof', name);
    }
    for (const other of rest) assert.deepStrictEqual(verdict(other), want, name);
  }
});

test('implementation-defined files: a value or a JSONError, whatever the cutting', () => {
  for (const [name, bytes] of EITHER) {
    const [first, ...rest] = cuttings(bytes).map((pieces) => outcome(pieces));
    for (const other of rest) assert.deepStrictEqual(verdict(other), verdict(first), name);
  }
});

function cli() {
  const candidates = [
    process.env.STRUCTREAM_CLI,
    path.join(__dirname, '..', '..', '..', 'target', 'release', 'structream'),
    path.join(__dirname, '..', '..', '..', 'target', 'debug', 'structream'),
  ];
  return candidates.find((c) => c && fs.existsSync(c));
}

test('messages are the command line’s (structream parse)', (t) => {
  const binary = cli();
  if (binary === undefined) {
    t.skip('no structream binary: build it with `cargo build -p structream-cli` or set STRUCTREAM_CLI');
    return;
  }
  let compared = 0;
  for (const [name, bytes] of INVALID) {
    let stderr = '';
    try {
      execFileSync(binary, ['parse'], { input: bytes, stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (error) {
      stderr = error.stderr.toString().trim();
    }
    assert.ok(stderr.startsWith('error: '), `${name}: the command line accepted it`);
    const result = outcome([bytes]);
    const e = result.error ?? result.incomplete;
    assert.equal(`error: ${e.message}`, stderr, name);
    compared++;
  }
  assert.ok(compared > 150);
});

test('known messages and positions', () => {
  const cases = [
    ['[1,\n 2 3]', 'syntax', 'expected `,` or `]` at line 2 column 4 (byte 7)'],
    ['{"a" 1}', 'syntax', 'expected `:` at line 1 column 6 (byte 5)'],
    ['[1,]', 'syntax', 'trailing comma at line 1 column 4 (byte 3)'],
    ['{"a": tru }', 'syntax', 'expected ident at line 1 column 10 (byte 9)'],
    ['"caf\u00e9\u0001"', 'syntax', 'control character (\\u0000-\\u001F) found while parsing a string at line 1 column 7 (byte 6)'],
  ];
  for (const [input, kind, message] of cases) {
    const p = new PartialJSON();
    assert.throws(
      () => p.feed(input),
      (e) => e instanceof JSONError && e instanceof Error && e.name === 'JSONError' && e.kind === kind && e.message === message,
      input,
    );
  }
});

test('after an error: the same error again, the last partial value kept', () => {
  const p = new PartialJSON();
  assert.equal(p.feed('{"a": [1, 2, 3], "b": "xy'), true);
  let first;
  try {
    p.feed('z", "c": [4] ,, "d": 5}');
  } catch (e) {
    first = e;
  }
  assert.ok(first instanceof JSONError);
  assert.equal(first.byte, 39); // the second comma
  assert.equal(p.error, first);
  // The events before the error in the failed chunk count.
  assert.deepStrictEqual(p.value, { a: [1, 2, 3], b: 'xyz', c: [4] });
  assert.equal(p.json(), '{"a":[1,2,3],"b":"xyz","c":[4]}');
  assert.throws(() => p.feed('more'), (e) => e === first);
  assert.throws(() => p.feed(Buffer.from('more')), (e) => e === first);
  assert.throws(() => p.finish(), (e) => e === first);
  assert.deepStrictEqual(p.value, { a: [1, 2, 3], b: 'xyz', c: [4] });
});

test('input that stops early is not an error', () => {
  const p = new PartialJSON();
  p.feed('{"a": [1, 2');
  assert.equal(p.finish(), false);
  assert.deepStrictEqual(p.value, { a: [1] });
  const e = p.incompleteError;
  assert.ok(e instanceof JSONError);
  assert.equal(e.kind, 'eof');
  assert.equal(e.message, 'EOF while parsing a list at line 1 column 12 (byte 11)');
  assert.equal(p.finish(), false, 'finish again: the same answer');
  assert.throws(() => p.feed(']}'), /after finish/);
});

test('limits: nesting deeper than maxDepth is a limit error', () => {
  const p = new PartialJSON();
  assert.throws(() => p.feed('['.repeat(200)), (e) => e.kind === 'limit' && e.byte === 128);
  const deep = new PartialJSON({ maxDepth: null });
  deep.feed('['.repeat(200) + ']'.repeat(200));
  assert.equal(deep.finish(), true);
  const shallow = new PartialJSON({ maxDepth: 2 });
  assert.throws(() => shallow.feed('[[[1]]]'), (e) => e.kind === 'limit' && e.byte === 2);
});

test('bytes that are not UTF-8, and lone surrogates', () => {
  const p = new PartialJSON();
  p.feed(Buffer.from('["ok", "'));
  assert.throws(() => p.feed(Buffer.from([0x61, 0xff, 0x22, 0x5d])), (e) => e.kind === 'syntax' && e.byte === 9);
  assert.deepStrictEqual(p.value, JSON.parse(p.json()));
  assert.equal(p.value[0], 'ok');
  // A UTF-8 character split across Buffers is fine.
  const split = new PartialJSON();
  const bytes = Buffer.from('["東京"]');
  for (let i = 0; i < bytes.length; i++) split.feed(bytes.subarray(i, i + 1));
  assert.equal(split.finish(), true);
  assert.deepStrictEqual(split.value, ['東京']);
  // Escaped lone surrogates: rejected by default, U+FFFD on request.
  assert.throws(() => new PartialJSON().feed('["\\ud800"]'), JSONError);
  const replace = new PartialJSON({ loneSurrogates: 'replace' });
  replace.feed('["\\ud800", "\\ud83d\\ude00"]');
  assert.equal(replace.finish(), true);
  assert.deepStrictEqual(replace.value, ['\ufffd', '😀']);
});
