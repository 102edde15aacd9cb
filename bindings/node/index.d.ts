/**
 * structream: partial JSON for LLM streams at O(change) per chunk.
 *
 * ```js
 * const { PartialJSON } = require('structream');
 * const p = new PartialJSON({ items: ['/users'] });
 * for await (const delta of textStream) {
 *   if (p.feed(delta)) render(p.value);   // the live value, grown in place
 *   for (const user of p.items) save(user); // each closed item, once
 * }
 * p.finish();
 * ```
 */

/** A JSON value as `JSON.parse` returns it. */
export type JSONValue = null | boolean | number | string | JSONValue[] | { [key: string]: JSONValue };

/** The completion state of a node of the document. */
export type NodeState = 'pending' | 'incomplete' | 'complete';

/** Options of a {@link PartialJSON}. Unknown keys are a `TypeError`. */
export interface PartialJSONOptions {
  /**
   * When values show:
   * - `'trailing-strings'` (default): strings from their opening quote,
   *   growing as they stream;
   * - `'on'` or `true`: strings only once their closing quote is read;
   * - `'off'` or `false`: nothing until the whole value is complete.
   *
   * In every mode numbers, `true`, `false` and `null` show only once
   * complete: `"age": 3` is not shown, as the next chunk may make it 30.
   */
  partialMode?: 'trailing-strings' | 'on' | 'off' | boolean;
  /**
   * JSON Pointer patterns of arrays whose closed items are reported by
   * {@link PartialJSON.items}: `'/users'`, `'/sections/*\/bullets'` (`*`
   * matches any index or key), `''` for a top-level array.
   */
  items?: string[];
  /** JSON Pointer patterns of values shown only once complete (enum-like tags). */
  hold?: string[];
  /**
   * Find the value in what a model writes around it: prose before it,
   * markdown code fences, `<think>` blocks; text after it is ignored.
   */
  lenient?: boolean;
  /** With `lenient`, what may start the value (default `'any'`). */
  lenientRoot?: 'any' | 'object' | 'array';
  /** Deepest nesting accepted (default 128); `null` for no limit. */
  maxDepth?: number | null;
  /**
   * A `\ud800`-style escape without its other half: an error (`'reject'`,
   * the default) or U+FFFD (`'replace'`).
   */
  loneSurrogates?: 'reject' | 'replace';
  /**
   * Repair what models write that is almost JSON, in the same single pass
   * and the same at every chunking: unescaped quotes inside strings, single
   * or curly quotes, keys and words without quotes, comments, `True`/`None`/
   * `NaN`, Python tuples, trailing or missing commas and colons, `...`
   * placeholders, brackets of the wrong kind, a `}` that closes the object
   * too early. `true` turns on every kind, an array only the kinds it names
   * ({@link REPAIR_KINDS}). Valid JSON reads the same; input that cannot be
   * repaired still throws a {@link JSONError}. Each repair is listed in
   * {@link PartialJSON.repairs}. Default `false`.
   */
  repair?: boolean | RepairKind[];
  /** With `repair`, what `NaN` and the infinities become (default `'null'`). */
  nonFinite?: 'null' | 'string' | 'error';
}

/** A kind of repair (see {@link PartialJSONOptions.repair}). */
export type RepairKind =
  | 'unescaped-quote'
  | 'control-character'
  | 'number'
  | 'single-quotes'
  | 'unquoted-key'
  | 'unquoted-string'
  | 'comment'
  | 'literal'
  | 'tuple'
  | 'trailing-comma'
  | 'missing-comma'
  | 'missing-colon'
  | 'placeholder'
  | 'bracket'
  | 'curly-quotes'
  | 'premature-close';

/** The names of every repair kind, in the parser's order. */
export declare const REPAIR_KINDS: readonly RepairKind[];

/**
 * Invalid input. `message` reads as the command line's errors:
 * `expected value at line 1 column 9 (byte 8)`.
 */
export declare class JSONError extends Error {
  readonly name: 'JSONError';
  /**
   * `'syntax'`: not JSON; `'eof'`: the input ended too early (only from
   * {@link PartialJSON.incompleteError}); `'limit'`: a configured limit hit.
   */
  readonly kind: 'syntax' | 'eof' | 'limit';
  /** 0-based offset in bytes (UTF-8, for text) into everything fed. */
  readonly byte: number;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column, counted in bytes. */
  readonly column: number;
}

/**
 * One stream's partial JSON value. Feed it chunks as they arrive, split
 * anywhere (inside a string, an escape, a number, a UTF-8 character of a
 * `Buffer`); nothing is ever re-parsed.
 *
 * ## Live and fresh values
 *
 * {@link PartialJSON.value} is **live**: one value, updated in place as the
 * stream grows, so reading it after every chunk costs only what the chunk
 * changed. A value read earlier is the same object and shows the newer
 * state; it is always a valid partial value (never half-updated), and every
 * subtree that is complete is a JavaScript object built once and never
 * modified afterwards, so references to completed parts stay exactly as
 * they were.
 *
 * {@link PartialJSON.snapshot} is **fresh**: a value of its own that later
 * chunks never change (for React state, a queue, or to compare versions by
 * identity). It shares the completed subtrees with the live value and
 * copies only the containers still open, so it costs the number of members
 * of those containers, not the size of the document.
 *
 * Treat both as read-only. If the live value is changed by its user so that
 * a change no longer applies, it is rebuilt from the document (one
 * `JSON.parse` of the whole value).
 */
export declare class PartialJSON {
  /** Throws a `TypeError` on an unknown or invalid option. */
  constructor(options?: PartialJSONOptions);

  /**
   * Applies a chunk: text, or bytes (UTF-8). Returns whether the visible
   * value changed (whitespace, half a number or half an escape change
   * nothing). Throws a {@link JSONError} on invalid input; after that every
   * `feed` and `finish` throws the same error, and `value` stays the last
   * valid partial value. Throws an `Error` after {@link PartialJSON.finish}.
   *
   * Text is passed to the parser as UTF-8, so a lone surrogate in a string
   * chunk arrives as U+FFFD, and byte positions count UTF-8 bytes.
   */
  feed(chunk: string | Uint8Array | ArrayBuffer): boolean;

  /**
   * The live visible value (see the class notes): plain JavaScript values as
   * `JSON.parse` makes them, or `undefined` before anything shows.
   */
  readonly value: JSONValue | undefined;

  /**
   * A fresh copy of the visible value that later chunks never change (see
   * the class notes); the same object until the value changes again.
   */
  snapshot(): JSONValue | undefined;

  /**
   * The items of the `items` arrays that closed during the last `feed` (or
   * `finish`), in order. An item shown in {@link PartialJSON.value} is the
   * very object there (complete, so never modified again); one not shown
   * (inside a value held back) is built once from its JSON.
   */
  readonly items: JSONValue[];

  /** {@link PartialJSON.items} with the array's pointer and the item's index. */
  readonly itemEvents: { path: string; index: number; value: JSONValue }[];

  /**
   * Every repair made so far (with the `repair` option), in input order:
   * its kind and the byte offset (UTF-8) where it was made.
   */
  readonly repairs: { kind: RepairKind; byte: number }[];

  /**
   * The state of the node at JSON Pointer `pointer`: `'complete'` or
   * `'incomplete'` for a node of the visible value; `'pending'` when the
   * node may still show but is not visible yet (it is inside a value held
   * back, such as an unfinished string with `partialMode: 'on'`, or nothing
   * has begun yet); `undefined` when there is no such node (yet). Throws a
   * `TypeError` on a string that is not a pointer.
   */
  state(pointer: string): NodeState | undefined;

  /** The visible value as compact JSON text (keys in input order), or `undefined`. */
  json(): string | undefined;

  /**
   * Signals the end of input. Returns `true` when the input held one whole
   * value. Input that stopped inside the value (a `max_tokens` cut-off) is
   * not an error: it returns `false`, `value` keeps the partial value and
   * {@link PartialJSON.incompleteError} says where it stopped. Throws a
   * {@link JSONError} for invalid input. Later calls return the same answer.
   */
  finish(): boolean;

  /** Whether the whole value has been read. */
  readonly complete: boolean;

  /** After `finish()` returned `false`: where the input stopped (kind `'eof'`). */
  readonly incompleteError: JSONError | undefined;

  /** The error that stopped the input, if any. */
  readonly error: JSONError | undefined;
}

/** Options of a {@link PartialJSONStream}. */
export interface PartialJSONStreamOptions extends PartialJSONOptions {
  /**
   * Error the stream with the {@link JSONError} of kind `'eof'` when the
   * input ends inside the value (default `false`: the last partial value is
   * the stream's last chunk, as with Vercel AI's `partialObjectStream`).
   */
  requireComplete?: boolean;
}

/**
 * A web `TransformStream` from text deltas (strings or bytes) to partial
 * values: one fresh value ({@link PartialJSON.snapshot}) each time the
 * visible value changes. Invalid input errors the stream with a
 * {@link JSONError}.
 *
 * ```js
 * // Vercel AI: const { textStream } = streamText({ ... });
 * const partials = textStream.pipeThrough(new PartialJSONStream());
 * for await (const partial of partials) setState(partial);
 * ```
 */
export declare class PartialJSONStream extends TransformStream<string | Uint8Array, JSONValue> {
  constructor(options?: PartialJSONStreamOptions);
}
