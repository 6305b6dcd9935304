#!/usr/bin/env node
/**
 * The basic example, written as a user of the published package would in plain JavaScript, synthesized
 * with CDK Terrain (cdktn, the community fork of the archived cdktf) installed under the name `cdktf`.
 *
 *   node synth.js <outdir>
 *
 * Prints one JSON line: which `cdktf` was loaded (by this script and by mlp-tokens), what mlp-tokens
 * exports, and the synthesized stack's directory. Endpoint and token are left to the Terraform run
 * (MLP_ENDPOINT / MLP_TOKEN), as in examples/basic.
 */
'use strict';
const path = require('node:path');
const { App, TerraformStack, TerraformVariable } = require('cdktf');
const mlp = require('mlp-tokens');

class BasicStack extends TerraformStack {
  constructor(scope, id) {
    super(scope, id);
    new mlp.MlpProvider(this, 'mlp');
    const rotation = new TerraformVariable(this, 'rotation', { type: 'string', default: '1' });
    new mlp.MlpAccessToken(this, 'ci', {
      name: 'ci-pipeline',
      role: 'user',
      ttl: '720h',
      rotationTriggers: { rotation: rotation.stringValue },
    });
  }
}

const outdir = process.argv[2];
if (!outdir) {
  process.stderr.write('usage: node synth.js <outdir>\n');
  process.exit(2);
}
const app = new App({ outdir });
new BasicStack(app, 'basic');
app.synth();

const here = require.resolve('cdktf');
const fromPackage = require.resolve('cdktf', { paths: [path.dirname(require.resolve('mlp-tokens'))] });
const cdktf = require(path.join(path.dirname(here), '..', 'package.json'));
process.stdout.write(
  `${JSON.stringify({
    cdktf: { name: cdktf.name, version: cdktf.version, path: here },
    cdktfOfMlpTokens: fromPackage,
    mlpTokens: { path: require.resolve('mlp-tokens'), exports: Object.keys(mlp).sort() },
    stackDir: path.join(path.resolve(outdir), 'stacks', 'basic'),
  })}\n`,
);
