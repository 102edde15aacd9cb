// Compiled by ci.sh with `tsc --noEmit --strict`: the declarations of
// index.d.ts describe the API as the tests use it.

import { PartialJSON, JSONError, PartialJSONStream, type JSONValue, type NodeState } from '..';

const p = new PartialJSON({ partialMode: 'trailing-strings', items: ['/users'], lenient: false });
const changed: boolean = p.feed('{"users": [');
p.feed(new Uint8Array([0x5d, 0x7d]));
const value: JSONValue | undefined = p.value;
const fresh: JSONValue | undefined = p.snapshot();
const items: JSONValue[] = p.items;
const first: { path: string; index: number; value: JSONValue } | undefined = p.itemEvents[0];
const state: NodeState | undefined = p.state('/users/0');
const json: string | undefined = p.json();
const complete: boolean = p.finish();
const eof: JSONError | undefined = p.incompleteError;
if (eof !== undefined) {
  const where: [number, number, number, string] = [eof.byte, eof.line, eof.column, eof.kind];
  void where;
}
new PartialJSON({ partialMode: false, hold: ['/type'], lenientRoot: 'object', maxDepth: null });
// @ts-expect-error: an unknown mode
new PartialJSON({ partialMode: 'sometimes' });

const stream: TransformStream<string | Uint8Array, JSONValue> = new PartialJSONStream({ requireComplete: true });
void [changed, value, fresh, items, first, state, json, complete, stream];
