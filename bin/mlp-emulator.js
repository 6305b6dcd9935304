#!/usr/bin/env node
'use strict';
// The emulator CLI; the logic lives in lib/emulator/cli.ts (built to dist/ by `npm run build`).
require('../dist/lib/emulator/cli.js').main(process.argv);
