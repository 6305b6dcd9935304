/**
 * Terraform shows attribute descriptions (in `terraform providers schema`, docs and editors): each
 * attribute whose CDKTF prop is spelt differently says which prop it is, and that prop exists.
 */
import { ACCESS_TOKEN_ATTRS, PROVIDER_ATTRS, REGISTER_TOKEN_ATTRS, TOKEN_DATA_ATTRS } from '../../lib/constants';
import { providerSchema } from '../../lib/provider/config';
import { DATA_SOURCES, RESOURCES } from '../../lib/provider/registry';
import { constructPropOf, toProtoSchema, type BlockSchema } from '../../lib/provider/schema';

const BLOCKS: Array<[string, BlockSchema, Readonly<Record<string, string>>]> = [
  ['provider', providerSchema, PROVIDER_ATTRS],
  ...RESOURCES.map((r): [string, BlockSchema, Readonly<Record<string, string>>] => [
    r.typeName,
    r.schema,
    r.typeName === 'mlp_access_token' ? ACCESS_TOKEN_ATTRS : REGISTER_TOKEN_ATTRS,
  ]),
  ...DATA_SOURCES.map((d): [string, BlockSchema, Readonly<Record<string, string>>] => [d.typeName, d.schema, TOKEN_DATA_ATTRS]),
];

describe.each(BLOCKS)('the %s schema', (_name, block, attrs) => {
  const described = toProtoSchema(block).block.attributes;

  test('GIVEN an attribute named differently in CDKTF WHEN its schema is served THEN its description ends with the construct prop', () => {
    const hinted = described.filter((a) => a.name.includes('_'));
    for (const attribute of hinted)
      expect(attribute.description).toMatch(new RegExp(`\\(CDKTF: \`${constructPropOf(attribute.name)}\`\\)$`));
    for (const attribute of described.filter((a) => !a.name.includes('_'))) expect(attribute.description).not.toContain('CDKTF:');
  });

  test('GIVEN the names the constructs share with the provider WHEN compared THEN every prop is the camelCase of its attribute', () => {
    for (const [prop, attribute] of Object.entries(attrs)) expect(constructPropOf(attribute)).toBe(prop);
  });
});

test('GIVEN rotation_triggers WHEN its description is served THEN it names rotationTriggers', () => {
  const attribute = toProtoSchema(RESOURCES[0].schema).block.attributes.find((a) => a.name === 'rotation_triggers');
  expect(attribute?.description).toContain('(CDKTF: `rotationTriggers`)');
});
