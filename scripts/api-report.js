#!/usr/bin/env node
/**
 * The public surface of the three entry points (`mlp-tokens`, `mlp-tokens/client`,
 * `mlp-tokens/emulator`), as API Extractor reports it from the built `.d.ts` files, checked in as
 * `api/*.api.md` so that a change to what users can import shows up in review.
 *
 *   node scripts/api-report.js           check (`npm run api:check`, part of `npm test`): fails when
 *                                        a report no longer matches, and says how to update it
 *   node scripts/api-report.js --update  rewrite the reports (`npm run api:update`)
 *
 * Runs after `npm run build` (it reads dist/lib/*.d.ts). @microsoft/api-extractor is a dev dependency.
 */
'use strict';
const path = require('node:path');

const ENTRIES = ['mlp-tokens', 'mlp-tokens-client', 'mlp-tokens-emulator'];

function main() {
  const { Extractor, ExtractorConfig } = require('@microsoft/api-extractor');
  const update = process.argv.includes('--update');
  const changed = [];
  let failed = false;
  for (const entry of ENTRIES) {
    const config = ExtractorConfig.loadFileAndPrepare(path.join(__dirname, '..', 'api', `${entry}.api-extractor.json`));
    const result = Extractor.invoke(config, {
      localBuild: update,
      // Only problems are worth a line; the banner and "completed" lines are noise in `npm test`.
      messageCallback: (message) => {
        if (message.logLevel === 'info' || message.logLevel === 'verbose') message.handled = true;
      },
    });
    if (result.apiReportChanged) changed.push(path.relative(process.cwd(), config.reportFilePath));
    if (!result.succeeded) failed = true;
  }
  if (update) {
    process.stdout.write(changed.length > 0 ? `api-report: updated ${changed.join(', ')}\n` : 'api-report: the reports are up to date\n');
  } else if (changed.length > 0) {
    process.stderr.write(
      `api-report: the public API no longer matches ${changed.join(', ')}.\n` +
        'If the change is intended, run `npm run api:update` and commit the report with the change (the new reports are in dist/api-extractor/).\n',
    );
    failed = true;
  }
  if (failed) process.exitCode = 1;
}

main();
