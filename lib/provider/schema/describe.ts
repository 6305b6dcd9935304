/**
 * The rules of an attribute in words, from its declarations: its validators, its equality, its plan
 * modifiers and the block validators that name it, one sentence each, in that order (the block's
 * conflicts merged into one "Conflicts with" sentence). The docs (`tools/generate-docs.ts`) and the
 * descriptions Terraform serves (`block.ts`) both show them, so no rule is written by hand twice.
 */
import type { BlockSchema } from './model';

/** The sentences that say the rules of `name` in `block`. */
export function attributeRules(block: BlockSchema, name: string): string[] {
  const attr = block.attributes[name];
  if (!attr) throw new Error(`the block has no attribute ${name}`);
  const conflicts = [...new Set((block.validators ?? []).flatMap((v) => v.conflictsWith?.(name) ?? []))];
  const sentences = [
    ...(attr.validators ?? []).map((v) => v.description),
    attr.equality?.description ?? '',
    ...(attr.planModifiers ?? []).map((m) => m.description),
    conflicts.length > 0 ? `Conflicts with ${conflicts.map((c) => `\`${c}\``).join(', ')}.` : '',
    ...(block.validators ?? []).map((v) => v.describe?.(name) ?? ''),
  ];
  return [...new Set(sentences.filter((s) => s !== ''))];
}

/** The description and then the rules: what the docs show and Terraform serves. */
export function describeWithRules(block: BlockSchema, name: string): string {
  return [block.attributes[name]!.description, ...attributeRules(block, name)].join(' ');
}
