#!/usr/bin/env node
/**
 * Secrets out of state with CDK Terrain (cdktn), as a user of the published package writes it in plain
 * JavaScript: an ephemeral token configures an aliased provider that reads who-am-I, and an access
 * token is sealed to an age recipient.
 *
 *   node synth-secrets.js <outdir> <age recipient>
 *
 * Prints one JSON line: the stack's directory, and what cdktn said when the same stack was
 * synthesized without `targetVersions` (ephemeral blocks need Terraform >= 1.10, so cdktn refuses
 * them unless the project's targets allow them).
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { App, TerraformOutput, TerraformStack } = require('cdktf');
const mlp = require('mlp-tokens');

class SecretsStack extends TerraformStack {
  constructor(scope, id, recipient) {
    super(scope, id);
    new mlp.MlpProvider(this, 'mlp');
    const eph = new mlp.MlpEphemeralAccessToken(this, 'eph', { ttl: '1h', namePrefix: 'eph-' });
    const asEph = new mlp.MlpProvider(this, 'as-eph', { alias: 'eph', token: eph.value });
    const me = new mlp.MlpTokenDataSource(this, 'me', { provider: asEph });
    new TerraformOutput(this, 'eph_name', { value: me.name });
    new mlp.MlpAccessToken(this, 'sealed', { name: 'sealed-ci', ttl: '720h', sealTo: [recipient] });
  }
}

const [outdir, recipient] = process.argv.slice(2);
if (!outdir || !recipient) {
  process.stderr.write('usage: node synth-secrets.js <outdir> <age recipient>\n');
  process.exit(2);
}

let withoutTargets = '';
try {
  const bareDir = path.join(outdir, 'without-targets');
  fs.mkdirSync(bareDir, { recursive: true });
  const bare = new App({ outdir: bareDir });
  new SecretsStack(bare, 'secrets', recipient);
  bare.synth();
} catch (error) {
  withoutTargets = error instanceof Error ? error.message : String(error);
}

const app = new App({ outdir, context: { targetVersions: { terraform: '>=1.11.0' } } });
new SecretsStack(app, 'secrets', recipient);
app.synth();
process.stdout.write(`${JSON.stringify({ stackDir: path.join(path.resolve(outdir), 'stacks', 'secrets'), withoutTargets })}\n`);
