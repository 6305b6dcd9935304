/**
 * The registry-style reference in docs/ is generated from the provider's schemas
 * (tools/generate-docs.ts): this fails when a schema (or an example in examples/hcl) changed and
 * `npm run generate` was not run, or when docs/ holds a page for something the provider no longer has.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GENERATED_FOLDERS, docsDrift, renderDocs, renderSchema, repositoryRoot, typeName } from '../../tools/generate-docs';
import { DATA_SOURCES, EPHEMERAL_RESOURCES, RESOURCES } from '../../lib/provider/registry';

const ROOT = repositoryRoot(__dirname);
const docs = renderDocs(ROOT);
const FIX = 'the provider schema and docs/ differ: run `npm run generate` and commit docs/';

test('GIVEN the provider schema WHEN the docs are rendered THEN there is an index, a page per resource and per data source', () => {
  expect([...docs.keys()].sort()).toEqual(
    [
      'docs/index.md',
      ...RESOURCES.map((r) => `docs/resources/${r.typeName.replace(/^mlp_/, '')}.md`),
      ...DATA_SOURCES.map((d) => `docs/data-sources/${d.typeName.replace(/^mlp_/, '')}.md`),
      ...EPHEMERAL_RESOURCES.map((e) => `docs/ephemeral-resources/${e.typeName.replace(/^mlp_/, '')}.md`),
    ].sort(),
  );
  expect([...docs.keys()]).toEqual(
    expect.arrayContaining([
      'docs/resources/access_token.md',
      'docs/resources/register_token.md',
      'docs/data-sources/token.md',
      'docs/data-sources/tokens.md',
      'docs/ephemeral-resources/access_token.md',
    ]),
  );
});

test.each([...docs.keys()])('GIVEN %s WHEN compared with what the schema renders THEN they are the same', (relative) => {
  const [problem] = docsDrift(new Map([[relative, docs.get(relative)!]]), ROOT, FIX);
  if (problem !== undefined) throw new Error(problem);
});

test('GIVEN the generated folders WHEN listed THEN they hold no page the schema does not render', () => {
  const stale = GENERATED_FOLDERS.flatMap((folder) => fs.readdirSync(path.join(ROOT, folder)).map((f) => `${folder}/${f}`)).filter(
    (f) => !docs.has(f),
  );
  expect(stale).toEqual([]);
});

test('GIVEN an attribute of each kind WHEN rendered THEN it lands in its tfplugindocs group with its type and sensitivity', () => {
  const text = renderSchema({
    version: 1,
    description: 'x',
    attributes: {
      a: { type: 'string', required: true, description: 'A.' },
      b: { type: ['map', 'string'], optional: true, computed: true, description: 'B.' },
      c: { type: 'string', computed: true, sensitive: true, description: 'C.' },
    },
  });
  expect(text).toBe(
    [
      '## Schema',
      '',
      '### Required',
      '',
      '- `a` (String) A.',
      '',
      '### Optional',
      '',
      '- `b` (Map of String) B.',
      '',
      '### Read-Only',
      '',
      '- `c` (String, Sensitive) C.',
      '',
    ].join('\n'),
  );
  expect(typeName(['list', ['object', { id: 'string' }]])).toBe('List of Object');
});
