/**
 * Generates the construct bindings in `lib/constructs/generated/` from the provider's own schemas
 * (the `BlockSchema` objects the provider serves over GetProviderSchema), the way cdktf's provider
 * generator writes `@cdktf/provider-*` packages: per element a `<Name>Config` interface of the
 * configurable attributes (extending the meta-arguments), the attribute-name map, and an abstract
 * base class with `tfResourceType`, a typed getter per attribute and both synthesize methods (JSON
 * and HCL). The construct files extend those bases and keep what is ours: the props' union types,
 * synth-time checks, outputs, shorthands and docs.
 *
 *   npm run generate      (builds, then runs dist/tools/generate-bindings.js)
 *
 * Unlike cdktf's bindings there are no setters or `reset*()`: the constructs check their props once,
 * at construction, so a prop set later would skip the checks. The generated files import only cdktf,
 * constructs and `lib/constructs` plumbing, never the provider (a synth loads no gRPC).
 * `test/constructs/generated-bindings.test.ts` fails when the committed files differ from what this
 * renders, so a schema change without `npm run generate` is caught in review.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { PROVIDER_TYPE } from '../lib/constants';
import { providerSchema } from '../lib/provider/config';
import { DATA_SOURCES, EPHEMERAL_RESOURCES, RESOURCES } from '../lib/provider/registry';
import { type BlockSchema, describeWithRules } from '../lib/provider/schema';
import { type BindingKind, type BindingSpec, type SchemaLike, renderBinding } from './bindings/render';
import { generatedMaps } from './generate-attributes';
import { generatedDrift, writeGenerated } from './generated-files';
import { repositoryRoot } from './repository-root';

export type { BindingSpec, SchemaLike };

/** Where the generated modules go, relative to the repository root. */
export const BINDINGS_FOLDER = 'lib/constructs/generated';

/** The construct file each element's binding serves (`lib/constructs/<file>.ts`). */
const FILES: Record<string, string> = {
  'provider:mlp': 'provider',
  'resource:mlp_access_token': 'access-token',
  'resource:mlp_register_token': 'register-token',
  'data-source:mlp_token': 'token-data-source',
  'data-source:mlp_tokens': 'tokens-data-source',
  'ephemeral-resource:mlp_access_token': 'ephemeral-access-token',
};

function spec(kind: BindingKind, typeName: string, schema: BlockSchema): BindingSpec {
  const file = FILES[`${kind}:${typeName}`];
  if (file === undefined)
    throw new Error(`tools/generate-bindings.ts: no construct file is named for the ${kind} ${typeName}; add it to FILES`);
  return { kind, typeName, file, schema: documented(schema), attributesConstant: attributesConstantOf(schema, typeName) };
}

/** The name of the block's map in `lib/attributes.generated.ts`, which the binding re-exports as `ATTRIBUTES`. */
function attributesConstantOf(schema: BlockSchema, typeName: string): string {
  const map = generatedMaps().find((m) => m.block === schema);
  if (map === undefined) throw new Error(`tools/generate-attributes.ts writes no attribute map for ${typeName}; add it to generatedMaps()`);
  return map.name;
}

/** A schema as the constructs document it: each description with its rules in words, as Terraform serves it. */
function documented(schema: BlockSchema): SchemaLike {
  const attributes = Object.entries(schema.attributes).map(([name, attr]) => [
    name,
    { ...attr, description: describeWithRules(schema, name) },
  ]);
  return { ...schema, attributes: Object.fromEntries(attributes) as SchemaLike['attributes'] };
}

/** Every element the provider serves, as the generator sees it. */
export function bindingSpecs(): BindingSpec[] {
  return [
    spec('provider', PROVIDER_TYPE, providerSchema),
    ...RESOURCES.map((r) => spec('resource', r.typeName, r.schema)),
    ...DATA_SOURCES.map((d) => spec('data-source', d.typeName, d.schema)),
    ...EPHEMERAL_RESOURCES.map((e) => spec('ephemeral-resource', e.typeName, e.schema)),
  ];
}

/**
 * Formats TypeScript modules with the repository's prettier settings. prettier (a dev dependency:
 * the tool, never the package, needs it) is asynchronous and loads its plugins as ES modules, which
 * jest's CommonJS runtime cannot: it runs in a child node process, so rendering stays synchronous.
 */
function formatted(modules: ReadonlyMap<string, string>, root: string): Map<string, string> {
  const script = [
    "const prettier = require('prettier');",
    "let input = '';",
    "process.stdin.on('data', (d) => (input += d)).on('end', async () => {",
    '  const out = {};',
    '  for (const [file, text] of Object.entries(JSON.parse(input))) {',
    '    const options = (await prettier.resolveConfig(file)) ?? {};',
    "    out[file] = await prettier.format(text, { ...options, parser: 'typescript' });",
    '  }',
    '  process.stdout.write(JSON.stringify(out));',
    '});',
  ].join('\n');
  const input = JSON.stringify(Object.fromEntries([...modules].map(([relative, text]) => [path.join(root, relative), text])));
  const run = spawnSync(process.execPath, ['-e', script], { cwd: root, input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`tools/generate-bindings.ts: prettier failed: ${run.stderr || run.error?.message}`);
  const out = JSON.parse(run.stdout) as Record<string, string>;
  return new Map([...modules.keys()].map((relative) => [relative, out[path.join(root, relative)]!]));
}

/** Every generated module, by path relative to the repository root (prettier-formatted). */
export function renderBindings(specs: readonly BindingSpec[] = bindingSpecs(), root: string = repositoryRoot()): Map<string, string> {
  return formatted(new Map(specs.map((s) => [`${BINDINGS_FOLDER}/${s.file}.ts`, renderBinding(s)])), root);
}

/**
 * Why the committed bindings are not what `rendered` holds: one message per module that differs or
 * is missing, naming its first differing line and the fix; empty when they agree.
 */
export function bindingsDrift(rendered: ReadonlyMap<string, string>, root: string = repositoryRoot()): string[] {
  return generatedDrift(rendered, root, {
    fix: (relative, missing) =>
      `${relative} ${missing ? 'is missing' : 'differs from what the provider schema renders'}: run \`npm run generate\` and commit ${BINDINGS_FOLDER}/`,
    missingFile: '(no file)',
    committedLabel: 'committed: ',
    renderedLabel: 'rendered:  ',
  });
}

function main(): void {
  const root = repositoryRoot();
  writeGenerated(root, renderBindings(bindingSpecs(), root), [BINDINGS_FOLDER]);
}

if (require.main === module) main();
