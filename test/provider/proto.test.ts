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
  });
});
