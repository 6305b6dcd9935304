import { DESCRIPTOR } from '../../lib/provider/proto/descriptor';
import { compileDescriptor } from '../../tools/generate-proto';

/** A namespace or message of the descriptor, as protobufjs writes it. */
interface DescriptorNode {
  readonly nested?: Readonly<Record<string, DescriptorNode>>;
  readonly fields?: Readonly<Record<string, { readonly id: number }>>;
  readonly methods?: Readonly<Record<string, unknown>>;
}

/** The node at a dotted path under `tfplugin6` (`PlanResourceChange.Response`). */
function tfNode(dotted: string): DescriptorNode {
  return `tfplugin6.${dotted}`.split('.').reduce<DescriptorNode>((node, name) => {
    const next = node.nested?.[name];
    if (!next) throw new Error(`the descriptor has no ${name} under ${dotted}`);
    return next;
  }, DESCRIPTOR as DescriptorNode);
}

const fieldId = (message: string, field: string): number | undefined => tfNode(message).fields?.[field]?.id;

describe('the compiled protocol descriptor', () => {
  test('GIVEN the .proto files WHEN compiled THEN they match the descriptor (regenerate with npm run generate:proto)', () => {
    expect(JSON.parse(JSON.stringify(compileDescriptor()))).toEqual(JSON.parse(JSON.stringify(DESCRIPTOR)));
  });

  test('GIVEN the compiled descriptor WHEN its field numbers are read THEN they are the tfplugin6 ones Terraform uses', () => {
    expect(fieldId('PlanResourceChange.Response', 'requires_replace')).toBe(2);
    expect(fieldId('PlanResourceChange.Response', 'diagnostics')).toBe(4);
    expect(fieldId('ServerCapabilities', 'get_provider_schema_optional')).toBe(2);
    expect(fieldId('Schema.Attribute', 'sensitive')).toBe(7);
    expect(fieldId('ValidateProviderConfig.Response', 'diagnostics')).toBe(2);
    // Ephemeral resources and write-only attributes, as in tfplugin6.8.proto (Terraform v1.11).
    expect(fieldId('Schema.Attribute', 'write_only')).toBe(11);
    expect(fieldId('GetMetadata.Response', 'ephemeral_resources')).toBe(6);
    expect(fieldId('GetProviderSchema.Response', 'ephemeral_resource_schemas')).toBe(8);
    expect(fieldId('OpenEphemeralResource.Response', 'result')).toBe(3);
    expect(fieldId('OpenEphemeralResource.Response', 'private')).toBe(4);
    expect(fieldId('RenewEphemeralResource.Response', 'private')).toBe(3);
    expect(fieldId('CloseEphemeralResource.Request', 'private')).toBe(2);
    expect(Object.keys(tfNode('Provider').methods ?? {})).toEqual(
      expect.arrayContaining([
        'ValidateEphemeralResourceConfig',
        'OpenEphemeralResource',
        'RenewEphemeralResource',
        'CloseEphemeralResource',
      ]),
    );
  });
});
