'use strict';
// Fresh values: a copy of the live value that later changes never touch.
//
// Every container still open lies on the path of the last change (a
// container that opened after it would have been that change), and nothing
// off that path changes again: completed subtrees are never modified. So a
// copy of the containers along that path, sharing everything else, is a
// value of its own. It costs the widths of those containers, not the size
// of the document.

const { unescape, keyIn, setMember } = require('./pointer');

function shallow(node) {
  return Array.isArray(node) ? node.slice() : { ...node };
}

function isContainer(node) {
  return node !== null && typeof node === 'object';
}

/** A copy of `root` with the containers along `path` copied. */
function fresh(root, path) {
  if (!isContainer(root)) return root;
  const top = shallow(root);
  if (path === null || path === '') return top;
  let original = root;
  let copy = top;
  for (const token of path.slice(1).split('/')) {
    const key = keyIn(original, unescape(token));
    const child = original[key];
    if (!isContainer(child)) break;
    const childCopy = shallow(child);
    if (Array.isArray(copy)) copy[key] = childCopy;
    else setMember(copy, key, childCopy);
    original = child;
    copy = childCopy;
  }
  return top;
}

module.exports = { fresh };
