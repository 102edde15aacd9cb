#!/usr/bin/env bash
# CI of the Node.js package, on a fresh machine with Node.js >= 20, npm and
# the Rust toolchain: install the locked dev dependencies, build the addon
# (release), check and test the crate's Rust code, type-check index.d.ts,
# run `node --test`,
# then pack the package and use the tarball from an empty directory.
# Any failure fails the script.
#
# The error-message test compares with the `structream` command line when
# ../../target/debug/structream (or $STRUCTREAM_CLI) exists, so run this
# after the workspace's tests have built it; otherwise that test is skipped
# and says so.
set -euo pipefail
cd "$(dirname "$0")"

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
    echo "bindings/node/ci.sh: Node.js >= 20 is needed, found $(node --version)" >&2
    exit 1
fi

echo "== npm ci"
npm ci --no-audit --no-fund

echo "== build (release)"
npm run build

echo "== cargo fmt, clippy, test (the addon's Rust code)"
cargo fmt --check
cargo clippy --quiet --all-targets -- -D warnings
cargo test --quiet

echo "== type check of index.d.ts"
npm run --silent check-types

echo "== node --test"
node --test test/*.test.js

echo "== npm pack, then install the tarball offline into an empty project"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
npm pack --silent --pack-destination "$scratch" >"$scratch/name"
tarball="$scratch/$(tail -n 1 "$scratch/name")"
tar -tzf "$tarball" >"$scratch/contents"
for file in package/structream.linux-x64-gnu.node package/index.js package/index.d.ts \
    package/lib/tree.js package/README.md; do
    grep -qx "$file" "$scratch/contents" || {
        echo "bindings/node/ci.sh: $file is missing from $(basename "$tarball")" >&2
        exit 1
    }
done
mkdir "$scratch/app"
(
    cd "$scratch/app"
    npm init -y >/dev/null
    # --offline: the package needs nothing from the network at install time.
    npm install --offline --no-audit --no-fund "$tarball"
    node - <<'EOF'
const assert = require('node:assert/strict');
const { PartialJSON, JSONError, PartialJSONStream } = require('structream');
const p = new PartialJSON({ items: ['/users'] });
assert.equal(p.feed('{"users": [{"name": "Ja'), true);
assert.deepStrictEqual(p.value, { users: [{ name: 'Ja' }] });
p.feed(Buffer.from('ne"}]}'));
assert.deepStrictEqual(p.items, [{ name: 'Jane' }]);
assert.equal(p.finish(), true);
assert.throws(() => new PartialJSON().feed('[1 2]'), JSONError);
assert.equal(typeof PartialJSONStream, 'function');
assert.ok(require.resolve('structream').includes('node_modules/structream/'));
console.log('the packed package installs and works:', require('structream/package.json').version);
EOF
)
echo "bindings/node/ci.sh: all passed"
