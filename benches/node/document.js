'use strict';
// The benchmark's input: an LLM-style analysis document of a given size,
// the shape of `llm_document` in benches/src/lib.rs (title, summary, then
// sections with a heading, a body of prose, a number, a boolean, tags,
// citations and notes), cut into text deltas of 1 to 8 characters.

const { rng } = require('../../bindings/node/test/rng');

const WORDS = [
  'the', 'model', 'streams', 'tokens', 'while', 'parser', 'keeps', 'state', 'across',
  'chunks', 'analysis', 'shows', 'risk', 'growth', 'revenue', 'quarter', 'café', 'naïve',
  '東京', 'データ', 'résumé', '😀', 'über', 'signal', 'latency', 'budget', 'review',
];
const ESCAPES = ['\n', '\t', '"quoted"'];
const TAGS = ['analysis', 'risk', 'finance', 'ops', 'legal', 'product'];

/** The document as JSON text of at least `size` UTF-8 bytes. */
function llmDocument(size) {
  const next = rng(0x5eed ^ size);
  const prose = (words) => {
    const out = [];
    for (let i = 0; i < words; i++) {
      out.push(next(12) === 0 ? ESCAPES[next(ESCAPES.length)] : WORDS[next(WORDS.length)]);
    }
    return out.join(' ');
  };
  const sections = [];
  const doc = { title: prose(6), summary: prose(40), sections, complete: true };
  let bytes = Buffer.byteLength(JSON.stringify(doc, null, 2));
  while (bytes < size) {
    const section = {
      id: sections.length + 1,
      heading: prose(3 + next(5)),
      body: prose(20 + next(60)),
      confidence: next(100) / 100,
      verified: next(3) !== 0,
      tags: Array.from({ length: 1 + next(3) }, () => TAGS[next(TAGS.length)]),
      citations: Array.from({ length: next(3) }, () => ({
        source: prose(2 + next(3)),
        page: 1 + next(300),
        quote: prose(5 + next(15)),
      })),
      notes: next(2) === 0 ? null : prose(4),
    };
    sections.push(section);
    bytes += Buffer.byteLength(JSON.stringify(section, null, 2)) + 10;
  }
  return JSON.stringify(doc, null, 2);
}

/** The chunk sizes of an LLM stream, cycled (as benches/src/lib.rs). */
const PATTERN = [3, 1, 6, 2, 8, 4, 7, 5];

/** `text` cut into deltas of PATTERN sizes, never inside a surrogate pair. */
function deltas(text) {
  const out = [];
  let at = 0;
  for (let n = 0; at < text.length; n++) {
    let end = Math.min(text.length, at + PATTERN[n % PATTERN.length]);
    const c = text.charCodeAt(end - 1);
    if (c >= 0xd800 && c <= 0xdbff && end < text.length) end++;
    out.push(text.slice(at, end));
    at = end;
  }
  return out;
}

module.exports = { llmDocument, deltas };
