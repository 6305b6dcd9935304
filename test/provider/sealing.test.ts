import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { recipientProblem } from '../../lib/seal/recipients';
import { UNKNOWN, type ObjectValue, type Value, decodeDynamic, encodeDynamic } from '../../lib/provider/codec';
import { Diagnostics } from '../../lib/provider/diagnostics';
import { accessTokenSchema } from '../../lib/provider/resources/access-token';
import { registerTokenSchema } from '../../lib/provider/resources/register-token';
import { createProvider } from '../../lib/provider/registry';
import { ProviderApi } from '../../lib/provider/api';
import type { MlpClient } from '../../lib/client/client';
import { FakeMlp, configureInProcess, objectOf } from './fakes';
import { FakeClock } from '../../lib/provider/clock';
import { objectTypeOf } from '../../lib/provider/schema';
import { planSealing, sealCreated, validateSealTo } from '../../lib/provider/sealing';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** A real key pair from Debian's age-keygen (the independent implementation). */
function keyPair(): { identityFile: string; recipient: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-seal-unit-'));
  dirs.push(dir);
  const identityFile = path.join(dir, 'key.txt');
  execFileSync('age-keygen', ['-o', identityFile], { stdio: 'ignore' });
  const recipient = execFileSync('age-keygen', ['-y', identityFile], { encoding: 'utf8' }).trim();
  return { identityFile, recipient };
}

const TYPE = objectTypeOf(accessTokenSchema);
const obj = (values: Record<string, Value>): ObjectValue => objectOf(accessTokenSchema, values);

describe('age recipients (seal_to)', () => {
  const { recipient } = keyPair();

  test('GIVEN keys from age-keygen WHEN checked THEN they pass; mistyped, truncated, upper-case, secret keys and post-quantum ones are refused with the reason', () => {
    expect(recipientProblem(recipient)).toBeUndefined();
    expect(recipientProblem('age1wyemr6rupaja83apdu7z7cuqpgl6lsnufkcs559gtxumwg3aya4sua39k3')).toBeUndefined();
    const flipped = `${recipient.slice(0, 20)}${recipient[20] === 'q' ? 'p' : 'q'}${recipient.slice(21)}`;
    expect(recipientProblem(flipped)).toMatch(/wrong checksum/);
    expect(recipientProblem(recipient.slice(0, -1))).toMatch(/61 characters long; an X25519 age recipient has 62/);
    expect(recipientProblem(recipient.toUpperCase())).toMatch(/not an age recipient|upper-case/);
    expect(recipientProblem(`age1${recipient.slice(4, 10).toUpperCase()}${recipient.slice(10)}`)).toMatch(/upper-case/);
    expect(recipientProblem('AGE-SECRET-KEY-1QQQQ')).toMatch(/secret key \(identity\), not a recipient/);
    expect(recipientProblem('age1pq1abc')).toMatch(/post-quantum/);
    expect(recipientProblem('ssh-ed25519 AAAA')).toMatch(/begin with "age1"/);
    expect(recipientProblem(`${recipient.slice(0, 30)}b${recipient.slice(31)}`)).toMatch(/contains "b"/);
  });

  test('GIVEN seal_to WHEN the config is validated THEN an empty list and each bad recipient are refused at their index', () => {
    const d = new Diagnostics();
    validateSealTo(obj({ seal_to: [recipient, 'age1nope', UNKNOWN] }), d);
    expect(d.items).toHaveLength(1);
    expect(d.items[0]).toMatchObject({ severity: 'error', summary: 'Invalid seal_to recipient', attribute: ['seal_to', 1] });
    const empty = new Diagnostics();
    validateSealTo(obj({ seal_to: [] }), empty);
    expect(empty.items[0]).toMatchObject({ summary: 'Invalid seal_to', attribute: ['seal_to'] });
  });

  test('GIVEN the provider WHEN a sealed create is planned THEN value is null and sealed_value unknown; without seal_to sealed_value is null', async () => {
    // The plan asks who-am-I and lists names: an in-memory API answers.
    const fake = { ...new FakeMlp(new FakeClock()).client('admin'), close: async () => undefined } as unknown as MlpClient;
    const provider = createProvider({ env: {}, api: (settings) => new ProviderApi(settings, () => fake) });
    configureInProcess(provider, {
      endpoint: 'http://127.0.0.1:1',
      token: 'admin-0123456789abcdefghijklmnopqrstu',
    });
    const sealed = encodeDynamic(obj({ name: 'ci', seal_to: [recipient] }), TYPE);
    const reply = await provider.planResourceChange({
      type_name: 'mlp_access_token',
      prior_state: encodeDynamic(null, TYPE),
      proposed_new_state: sealed,
      config: sealed,
    });
    expect(decodeDynamic(reply.planned_state, TYPE)).toMatchObject({ value: null, sealed_value: UNKNOWN, id: UNKNOWN });
    const plain = encodeDynamic(obj({ name: 'ci' }), TYPE);
    const plainReply = await provider.planResourceChange({
      type_name: 'mlp_access_token',
      prior_state: encodeDynamic(null, TYPE),
      proposed_new_state: plain,
      config: plain,
    });
    expect(decodeDynamic(plainReply.planned_state, TYPE)).toMatchObject({ value: UNKNOWN, sealed_value: null });
    const badConfig = encodeDynamic(obj({ name: 'ci', seal_to: ['age1nope'] }), TYPE);
    expect(provider.validateResourceConfig({ type_name: 'mlp_access_token', config: badConfig }).diagnostics![0]).toMatchObject({
      summary: 'Invalid seal_to recipient',
    });
    expect(Object.keys(registerTokenSchema.attributes)).toEqual(expect.arrayContaining(['seal_to', 'sealed_value']));
  });

  test('GIVEN a sealed token WHEN seal_to changes in place THEN nothing is re-sealed and a warning says to rotate', () => {
    const prior = obj({ name: 'ci', seal_to: [recipient], sealed_value: '-----BEGIN AGE ENCRYPTED FILE-----' });
    const d = new Diagnostics();
    const planned = planSealing(prior, { ...prior, seal_to: [recipient, recipient] }, false, d);
    expect(planned.sealed_value).toBe(prior.sealed_value);
    expect(d.items[0]).toMatchObject({ severity: 'warning', summary: 'seal_to changed: the token is not re-sealed' });
    expect(d.items[0]!.detail).toMatch(/rotate the token/);
  });

  test('GIVEN a seal that fails WHEN a created state is sealed THEN the token is kept without its value, never unsealed, with an error that taints it', async () => {
    const d = new Diagnostics();
    const value = 'v'.repeat(40);
    const state = await sealCreated(obj({ id: 'x', name: 'ci', value, seal_to: ['age1nope'] }), d);
    expect(state).toMatchObject({ id: 'x', name: 'ci', value: null, sealed_value: null });
    expect(d.items[0]).toMatchObject({ severity: 'error', summary: "Could not seal the token's value" });
    expect(JSON.stringify(d.items)).not.toContain(value);
    // Without seal_to the state is left as it was, sealed_value null.
    expect(await sealCreated(obj({ id: 'x', value }), new Diagnostics())).toMatchObject({ value, sealed_value: null });
  });
});
