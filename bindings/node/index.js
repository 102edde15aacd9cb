'use strict';
// structream: partial JSON for LLM streams, O(change) per chunk.
// The documentation of every export is in index.d.ts.

const { PartialJSON } = require('./lib/partial');
const { JSONError } = require('./lib/errors');
const { PartialJSONStream } = require('./lib/stream');

module.exports = { PartialJSON, JSONError, PartialJSONStream };
