'use strict';
// JSON Pointers (RFC 6901) over plain values, and setting a member whatever
// its name.

/** A reference token with `~1` and `~0` decoded. */
function unescape(token) {
  if (token.indexOf('~') < 0) return token;
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

const INDEX = /^(?:0|[1-9][0-9]*)$/;

/** The key of `token` in `container`: a number for an array. */
function keyIn(container, token) {
  return Array.isArray(container) ? Number(token) : token;
}

/**
 * Sets member `key` of `object` as an own data property: `object[key] = v`
 * would set the prototype for `__proto__`, which `JSON.parse` makes an
 * ordinary member.
 */
function setMember(object, key, value) {
  if (key === '__proto__') {
    Object.defineProperty(object, key, {
      value,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  } else {
    object[key] = value;
  }
}

/**
 * The node at `pointer` in `root`: `{ found: true, value }`, or
 * `{ found: false }` when no such node is there.
 */
function lookup(root, pointer) {
  if (pointer === '') return root === undefined ? { found: false } : { found: true, value: root };
  let node = root;
  for (const raw of pointer.slice(1).split('/')) {
    const token = unescape(raw);
    if (Array.isArray(node)) {
      if (!INDEX.test(token) || Number(token) >= node.length) return { found: false };
      node = node[Number(token)];
    } else if (node !== null && typeof node === 'object') {
      if (!Object.prototype.hasOwnProperty.call(node, token)) return { found: false };
      node = node[token];
    } else {
      return { found: false };
    }
  }
  return { found: true, value: node };
}

module.exports = { unescape, keyIn, setMember, lookup };
