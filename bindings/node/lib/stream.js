'use strict';
// A web TransformStream from text deltas to partial values.

const { PartialJSON } = require('./partial');

/** See index.d.ts. */
class PartialJSONStream extends TransformStream {
  constructor(options = {}) {
    const { requireComplete = false, ...parserOptions } = options ?? {};
    const parser = new PartialJSON(parserOptions);
    super({
      transform(chunk, controller) {
        if (parser.feed(chunk)) controller.enqueue(parser.snapshot());
      },
      flush(controller) {
        const before = parser.snapshot();
        const complete = parser.finish();
        const after = parser.snapshot();
        if (after !== before) controller.enqueue(after);
        if (!complete && requireComplete) throw parser.incompleteError;
      },
    });
  }
}

module.exports = { PartialJSONStream };
