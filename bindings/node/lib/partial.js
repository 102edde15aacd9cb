'use strict';
// PartialJSON: one stream's partial value.

const native = require('./native');
const { JSONError } = require('./errors');
const { normalize } = require('./options');
const { Tree } = require('./tree');
const { fresh } = require('./snapshot');
const { lookup } = require('./pointer');

const STATES = ['pending', 'incomplete', 'complete'];

function jsonError(fields) {
  return new JSONError(fields.message, fields);
}

/** See index.d.ts for the documentation of every member. */
class PartialJSON {
  #native;
  #tree = new Tree();
  #version = 0;
  #snapshot = undefined;
  #snapshotVersion = 0;
  #items = null;
  #itemValues = null;
  #repairs = [];
  #error = null;
  #end = null;
  #incomplete = undefined;

  constructor(options) {
    this.#native = new native.NativeDocument(normalize(options));
  }

  feed(chunk) {
    if (this.#error !== null) throw this.#error;
    if (this.#end !== null) throw new Error('PartialJSON: feed() after finish()');
    let records;
    if (typeof chunk === 'string') {
      records = chunk.length === 0 ? '' : this.#native.feedText(chunk);
    } else if (Buffer.isBuffer(chunk)) {
      records = chunk.length === 0 ? '' : this.#native.feedBytes(chunk);
    } else if (ArrayBuffer.isView(chunk) || chunk instanceof ArrayBuffer) {
      const bytes = ArrayBuffer.isView(chunk)
        ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
        : Buffer.from(chunk);
      records = bytes.length === 0 ? '' : this.#native.feedBytes(bytes);
    } else {
      throw new TypeError('PartialJSON.feed: chunk must be a string, Buffer or Uint8Array');
    }
    return this.#absorb(records);
  }

  finish() {
    if (this.#error !== null) throw this.#error;
    if (this.#end === null) {
      this.#absorb(this.#native.finish());
      this.#end = this.#tree.end;
      if (!this.#end.complete) this.#incomplete = jsonError(this.#end.error);
    }
    return this.#end.complete;
  }

  /** Applies a call's records; throws the error they report. */
  #absorb(records) {
    const tree = this.#tree;
    if (records.length === 0) {
      this.#items = null;
      this.#itemValues = null;
      return false;
    }
    tree.apply(records);
    if (tree.repairs !== null) this.#repairs.push(...tree.repairs);
    this.#items = tree.items;
    this.#itemValues = null;
    if (tree.changed) this.#version++;
    if (tree.error !== null) {
      this.#error = jsonError(tree.error);
      throw this.#error;
    }
    if (tree.broken) {
      tree.rebuild(this.#native.json());
      this.#version++;
    }
    return tree.changed;
  }

  get value() {
    return this.#tree.root;
  }

  snapshot() {
    if (this.#snapshotVersion !== this.#version) {
      this.#snapshot = fresh(this.#tree.root, this.#tree.path);
      this.#snapshotVersion = this.#version;
    }
    return this.#snapshot;
  }

  get items() {
    if (this.#itemValues === null) {
      this.#itemValues = this.#items === null ? [] : this.#items.map((i) => this.#itemValue(i));
    }
    return this.#itemValues;
  }

  /**
   * A closed item: the object already in the live value when it is there
   * and holds exactly the item's JSON (not so for an item under a value
   * not shown yet, or replaced by a repeated key), else one built from it.
   */
  #itemValue(item) {
    const found = lookup(this.#tree.root, `${item.path}/${item.index}`);
    const node = found.value;
    if (found.found && node !== null && typeof node === 'object' && JSON.stringify(node) === item.json) {
      return node;
    }
    return JSON.parse(item.json);
  }

  /** Every repair made so far (see the `repair` option), in input order. */
  get repairs() {
    return this.#repairs.map((r) => ({ kind: r.kind, byte: r.byte }));
  }

  get itemEvents() {
    const values = this.items;
    return this.#items === null
      ? []
      : this.#items.map((i, n) => ({ path: i.path, index: i.index, value: values[n] }));
  }

  state(pointer) {
    if (typeof pointer !== 'string' || (pointer !== '' && pointer[0] !== '/')) {
      throw new TypeError(`PartialJSON.state: ${JSON.stringify(pointer)} is not a JSON Pointer`);
    }
    const state = this.#native.state(pointer);
    if (lookup(this.#tree.root, pointer).found) return STATES[state];
    return state === 0 ? 'pending' : undefined;
  }

  json() {
    return this.#native.json() ?? undefined;
  }

  get complete() {
    return this.#native.complete;
  }

  get incompleteError() {
    return this.#incomplete;
  }

  get error() {
    return this.#error ?? undefined;
  }
}

module.exports = { PartialJSON };
