'use strict';
// The live value: the records of `src/records.rs` (see the table there)
// applied to plain JavaScript values.
//
// Containers are created once, when they open, and grown in place; a value
// that arrives whole (a number, a literal, a held value) is built once from
// its JSON. A string that grows is extended with `+=`, which V8 does without
// copying the text so far. So applying a chunk's records costs what the
// chunk changed, plus the depth of a path that changed.

const { unescape, keyIn, setMember } = require('./pointer');

const TAG_ADD = 97; // a
const TAG_REPLACE = 114; // r
const TAG_APPEND = 115; // s
const TAG_ADD_SAME = 65; // A
const TAG_REPLACE_SAME = 82; // R
const TAG_APPEND_SAME = 83; // S
const TAG_ITEM = 105; // i
const TAG_ERROR = 101; // e
const TAG_COMPLETE = 99; // c
const TAG_INCOMPLETE = 120; // x
const TAG_REPAIR = 102; // f
const COMMA = 44;

// The records being read and the reading position: module state, so that
// reading a field allocates nothing but its text.
let text = '';
let at = 0;

/** The next field: its UTF-16 length, a comma, then the text. */
function field() {
  let len = 0;
  let c = text.charCodeAt(at++);
  while (c !== COMMA) {
    len = len * 10 + (c - 48);
    c = text.charCodeAt(at++);
  }
  const out = text.slice(at, at + len);
  at += len;
  return out;
}

/** An error's fields: kind, byte, line, column, message. */
function errorFields() {
  const kind = field();
  const byte = Number(field());
  const line = Number(field());
  const column = Number(field());
  return { kind, byte, line, column, message: field() };
}

/** A value from compact JSON, with the common small cases done directly. */
function fromJSON(json) {
  const c = json.charCodeAt(0);
  if (json.length === 2) {
    if (c === 123) return {};
    if (c === 91) return [];
    if (c === 34) return '';
  }
  if (c === 45 || (c >= 48 && c <= 57)) return Number(json);
  if (c === 116) return true;
  if (c === 102) return false;
  if (c === 110) return null;
  return JSON.parse(json);
}

/** A plain value kept up to date from the native document's records. */
class Tree {
  constructor() {
    /** The visible value (`undefined` before any shows). */
    this.root = undefined;
    /** The pointer of the last change (`null`: none yet, or forgotten). */
    this.path = null;
    /** The container and key that `path` names (`parent` null: not looked up). */
    this.parent = null;
    this.key = null;
    /** A change failed to apply (the value was altered by its user). */
    this.broken = false;
    // What the last `apply` read.
    this.changed = false;
    this.items = null;
    this.error = null;
    this.end = null;
  }

  /** Finds the container and key of `this.path`. */
  locate() {
    const path = this.path;
    if (path === '') {
      this.parent = this;
      this.key = 'root';
      return;
    }
    let node = this.root;
    let start = 1;
    for (;;) {
      const slash = path.indexOf('/', start);
      if (slash < 0) {
        this.key = keyIn(node, unescape(path.slice(start)));
        this.parent = node;
        return;
      }
      node = node[keyIn(node, unescape(path.slice(start, slash)))];
      start = slash + 1;
    }
  }

  /** Applies one change at `this.path`. */
  change(tag, value) {
    if (this.parent === null) this.locate();
    const parent = this.parent;
    const key = this.key;
    if (tag === TAG_APPEND) {
      parent[key] += value;
      return;
    }
    const node = fromJSON(value);
    if (!Array.isArray(parent)) {
      setMember(parent, key, node);
    } else if (tag === TAG_REPLACE || key !== parent.length) {
      if (tag === TAG_REPLACE) parent[key] = node;
      else parent.splice(key, 0, node);
    } else {
      parent.push(node);
    }
  }

  /**
   * Applies `records`; afterwards `changed`, `items`, `error` and
   * `end` say what they held.
   */
  apply(records) {
    text = records;
    at = 0;
    this.changed = false;
    this.items = null;
    this.repairs = null;
    this.error = null;
    this.end = null;
    const n = records.length;
    while (at < n) {
      let tag = records.charCodeAt(at++);
      switch (tag) {
        case TAG_ADD:
        case TAG_REPLACE:
        case TAG_APPEND:
          this.path = field();
          this.parent = null;
        // falls through: the value follows the path
        case TAG_ADD_SAME:
        case TAG_REPLACE_SAME:
        case TAG_APPEND_SAME: {
          tag |= 32; // lower case
          const value = field();
          this.changed = true;
          if (!this.broken) {
            try {
              this.change(tag, value);
            } catch {
              this.broken = true;
            }
          }
          break;
        }
        case TAG_ITEM: {
          const path = field();
          const index = Number(field());
          (this.items ??= []).push({ path, index, json: field() });
          break;
        }
        case TAG_REPAIR: {
          const kind = field();
          (this.repairs ??= []).push({ kind, byte: Number(field()) });
          break;
        }
        case TAG_ERROR:
          this.error = errorFields();
          break;
        case TAG_COMPLETE:
          this.end = { complete: true };
          break;
        case TAG_INCOMPLETE:
          this.end = { complete: false, error: errorFields() };
          break;
        default:
          throw new Error(`structream: unknown record ${String.fromCharCode(tag)} at ${at - 1}`);
      }
    }
    text = '';
  }

  /**
   * Replaces the value with the one `json` holds (`null`: none), after a
   * failed change or an error; the next change looks its path up again.
   */
  rebuild(json) {
    this.root = json === null ? undefined : JSON.parse(json);
    this.parent = null;
    this.broken = false;
  }
}

module.exports = { Tree };
