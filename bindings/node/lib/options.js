'use strict';
// Checks a PartialJSON's options and fills in the defaults.

const KNOWN = new Set([
  'partialMode',
  'items',
  'hold',
  'lenient',
  'lenientRoot',
  'maxDepth',
  'loneSurrogates',
  'repair',
  'nonFinite',
]);

const MODES = new Map([
  ['trailing-strings', 'trailing-strings'],
  ['on', 'on'],
  [true, 'on'],
  ['off', 'off'],
  [false, 'off'],
]);

function patterns(name, list) {
  if (list === undefined) return [];
  if (!Array.isArray(list) || !list.every((p) => typeof p === 'string')) {
    throw new TypeError(`PartialJSON: ${name} must be an array of JSON Pointer strings`);
  }
  return list.slice();
}

/** The options the native document takes, from the user's. */
function normalize(options = {}) {
  if (options === null || typeof options !== 'object') {
    throw new TypeError('PartialJSON: options must be an object');
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) {
      throw new TypeError(`PartialJSON: unknown option ${JSON.stringify(key)}`);
    }
  }
  const mode = options.partialMode === undefined ? 'trailing-strings' : options.partialMode;
  if (!MODES.has(mode)) {
    throw new TypeError(
      `PartialJSON: partialMode must be 'trailing-strings', 'on', true, 'off' or false, not ${String(mode)}`,
    );
  }
  let maxDepth = 128;
  if (options.maxDepth === null) {
    maxDepth = -1;
  } else if (options.maxDepth !== undefined) {
    if (!Number.isSafeInteger(options.maxDepth) || options.maxDepth < 0) {
      throw new TypeError('PartialJSON: maxDepth must be a non-negative integer or null');
    }
    maxDepth = options.maxDepth;
  }
  const repair = options.repair === undefined || options.repair === null ? false : options.repair;
  if (
    typeof repair !== 'boolean' &&
    !(Array.isArray(repair) && repair.every((k) => typeof k === 'string'))
  ) {
    throw new TypeError('PartialJSON: repair must be true, false or an array of repair kind names');
  }
  return {
    partialMode: MODES.get(mode),
    items: patterns('items', options.items),
    hold: patterns('hold', options.hold),
    lenient: Boolean(options.lenient),
    lenientRoot: options.lenientRoot === undefined ? 'any' : String(options.lenientRoot),
    maxDepth,
    loneSurrogates:
      options.loneSurrogates === undefined ? 'reject' : String(options.loneSurrogates),
    repairAll: repair === true,
    repair: Array.isArray(repair) ? repair.slice() : [],
    nonFinite: options.nonFinite === undefined ? 'null' : String(options.nonFinite),
  };
}

module.exports = { normalize };
