'use strict';
// structream: partial JSON for LLM streams, O(change) per chunk.
// The documentation of every export is in index.d.ts.

const { PartialJSON } = require('./lib/partial');
const { JSONError } = require('./lib/errors');
const { PartialJSONStream } = require('./lib/stream');
const native = require('./lib/native');

const REPAIR_KINDS = Object.freeze(native.repairKinds());

module.exports = { PartialJSON, JSONError, PartialJSONStream, REPAIR_KINDS };
