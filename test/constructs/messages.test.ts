/**
 * Synth-time errors speak CDKTF: every message a construct can throw names props as TypeScript
 * spells them (`rotationTriggers`, `registerToken`), never the Terraform attribute names.
 */
import { ACCESS_TOKEN_ATTRS, PROVIDER_ATTRS, REGISTER_TOKEN_ATTRS, TOKEN_DATA_ATTRS } from '../../lib/constants';
import * as errors from '../../lib/constructs/errors';

/** Terraform attribute names that differ from their construct prop. */
const HCL_NAMES = [
  ...new Set([ACCESS_TOKEN_ATTRS, REGISTER_TOKEN_ATTRS, PROVIDER_ATTRS, TOKEN_DATA_ATTRS].flatMap((a) => Object.values(a))),
].filter((n) => n.includes('_'));

/** Every factory, called with sample arguments (strings, or a number where a count is shown). */
const messages = Object.entries(errors)
  .filter(
    (entry): entry is [string, (...args: unknown[]) => errors.MlpConstructError] =>
      typeof entry[1] === 'function' && entry[0] !== 'MlpConstructError',
  )
  .map(([name, factory]) => {
    const samples: unknown[] = ['app/stack/t', 'ttl', '1h', '2h', '3h'];
    if (name === 'registerTokenConflict') samples[1] = ['namePrefix', 'ttl'];
    if (name === 'unsafeSecretSource') samples.splice(1, 3, 'registerToken', 'literal', 'registerToken is a literal string');
    return [name, factory(...samples.slice(0, Math.max(factory.length, 1))).message] as const;
  });

test('GIVEN the factories WHEN listed THEN there are messages to check', () => {
  expect(messages.length).toBeGreaterThan(15);
});

test.each(messages)('GIVEN %s WHEN its message is built THEN it names no Terraform attribute', (_name, message) => {
  const found = HCL_NAMES.filter((n) => new RegExp(`(^|[^A-Za-z0-9_])${n}($|[^A-Za-z0-9_])`).test(message));
  expect(found).toEqual([]);
});
