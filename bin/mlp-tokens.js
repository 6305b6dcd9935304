#!/usr/bin/env node
'use strict';
require('../dist/lib/cli/mlp-tokens.js').main();
