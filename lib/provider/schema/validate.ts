/**
 * The generic half of every Validate*Config call (resources, data sources, ephemeral resources and
 * the provider block): a block's declared validators run on its configuration, in three rounds.
 * First the block validators that read only which attributes are set (conflicts, one-of: what to
 * remove or add), then each attribute's own validators on its known, non-null value (the first
 * error ends that attribute's checks), then the block validators that relate values, skipped when
 * one of the values they relate failed its own checks. Unknown values are checked when known.
 */
import { type ObjectValue, UNKNOWN } from '../codec';
import type { Diagnostic, Diagnostics } from '../diagnostics';
import type { AttributeSchema, BlockSchema } from './model';

/** The diagnostics of `config` against `block`'s declarations, added to `diagnostics`. */
export function validateConfig(block: BlockSchema, config: ObjectValue, diagnostics: Diagnostics): void {
  const validators = block.validators ?? [];
  for (const v of validators) if (v.kind === 'presence') diagnostics.add(...v.validate(config));
  const invalid = new Set<string>();
  for (const [name, attr] of Object.entries<AttributeSchema>(block.attributes)) {
    const value = config[name] ?? null;
    if (value === null || value === UNKNOWN) continue;
    for (const validator of attr.validators ?? []) {
      const found = validator.validate({ attribute: name, value, config });
      diagnostics.add(...found);
      if (found.some(isError)) {
        invalid.add(name);
        break;
      }
    }
  }
  for (const v of validators) {
    if (v.kind !== 'values' || v.attributes.some((a) => invalid.has(a))) continue;
    diagnostics.add(...v.validate(config));
  }
}

const isError = (d: Diagnostic) => d.severity === 'error';
