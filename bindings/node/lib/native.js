'use strict';
// Loads the native addon built for this platform.

const { join } = require('node:path');

function load() {
  const name = `structream.${process.platform}-${process.arch}-gnu.node`;
  const path = join(__dirname, '..', name);
  try {
    return require(path);
  } catch (error) {
    const message =
      `structream: cannot load the native addon ${name} (this package ships one for ` +
      `linux-x64 with glibc; on other platforms build it from source with ` +
      `\`npm run build\` in bindings/node): ${error.message}`;
    throw new Error(message, { cause: error });
  }
}

module.exports = load();
