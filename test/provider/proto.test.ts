import { DESCRIPTOR } from '../../lib/provider/proto/descriptor';
import { compileDescriptor } from '../../lib/provider/proto/generate';

describe('the compiled protocol descriptor', () => {
  test('matches the .proto files (regenerate with node dist/lib/provider/proto/generate.js)', () => {
    expect(JSON.parse(JSON.stringify(compileDescriptor()))).toEqual(JSON.parse(JSON.stringify(DESCRIPTOR)));
  });

  test('keeps the tfplugin6 field numbers Terraform uses', () => {
    const tf = (DESCRIPTOR.nested.tfplugin6 as { nested: Record<string, any> }).nested; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(tf.PlanResourceChange.nested.Response.fields.requires_replace.id).toBe(2);
    expect(tf.PlanResourceChange.nested.Response.fields.diagnostics.id).toBe(4);
    expect(tf.ServerCapabilities.fields.get_provider_schema_optional.id).toBe(2);
    expect(tf.Schema.nested.Attribute.fields.sensitive.id).toBe(7);
    expect(tf.ValidateProviderConfig.nested.Response.fields.diagnostics.id).toBe(2);
    // Ephemeral resources and write-only attributes, as in tfplugin6.8.proto (Terraform v1.11).
    expect(tf.Schema.nested.Attribute.fields.write_only.id).toBe(11);
    expect(tf.GetMetadata.nested.Response.fields.ephemeral_resources.id).toBe(6);
    expect(tf.GetProviderSchema.nested.Response.fields.ephemeral_resource_schemas.id).toBe(8);
    expect(tf.OpenEphemeralResource.nested.Response.fields.result.id).toBe(3);
    expect(tf.OpenEphemeralResource.nested.Response.fields.private.id).toBe(4);
    expect(tf.RenewEphemeralResource.nested.Response.fields.private.id).toBe(3);
    expect(tf.CloseEphemeralResource.nested.Request.fields.private.id).toBe(2);
    expect(Object.keys(tf.Provider.methods)).toEqual(expect.arrayContaining(['ValidateEphemeralResourceConfig', 'OpenEphemeralResource', 'RenewEphemeralResource', 'CloseEphemeralResource']));
  });
});
