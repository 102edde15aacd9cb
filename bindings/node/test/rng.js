'use strict';
// A small deterministic generator (xorshift32), shared by the tests and
// benches/node.

/** A generator of integers in [0, n), the same sequence for the same seed. */
function rng(seed) {
  let state = seed >>> 0 || 1;
  return (n) => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state % n;
  };
}

module.exports = { rng };
