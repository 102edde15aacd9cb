'use strict';
// The error of invalid input, with its position.

/**
 * Invalid JSON (or, from `incompleteError`, input that ended too early).
 * `message` reads as the command line's: `<what> at line L column C (byte B)`.
 */
class JSONError extends Error {
  /**
   * @param {string} message
   * @param {{kind: string, byte: number, line: number, column: number}} where
   */
  constructor(message, where) {
    super(message);
    this.name = 'JSONError';
    /** `'syntax'`, `'eof'` (the input ended too early) or `'limit'`. */
    this.kind = where.kind;
    /** 0-based byte offset into everything fed (UTF-8 bytes for text). */
    this.byte = where.byte;
    /** 1-based line. */
    this.line = where.line;
    /** 1-based column, in bytes. */
    this.column = where.column;
  }
}

module.exports = { JSONError };
