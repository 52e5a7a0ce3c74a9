#!/usr/bin/env node
'use strict';
// The syncwarden CLI. The TypeScript sources are bundled by `npm run build`.
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { relaunchWithHostFlags } = require('./host-v8-flags');

// First, before anything is loaded: the process may be replaced by one with the host's V8 settings.
relaunchWithHostFlags(require.main === module);

const entry = join(__dirname, '..', 'out', 'main', 'cli.js');
if (!existsSync(entry)) {
  process.stderr.write('syncwarden: the CLI is not built yet. Run `npm run build` in the Syncwarden folder first.\n');
  process.exit(1);
}
require(entry);
