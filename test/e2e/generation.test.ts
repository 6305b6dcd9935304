/**
 * `generation`, with real Terraform against the emulator: it counts the rotations done in place
 * (an access token with `previous_token_grace`, by time and by `rotation_triggers`; a registration
 * token's re-issue), is known at plan so a consumer (here `terraform_data`, as another provider's
 * `*_wo_version` would) sees the new number in the same plan, and is left alone by an in-place
 * update that is not a rotation. A replacement (no `previous_token_grace`) starts over at 1.
 */
import { MlpClient } from '../../lib/client';
import { E2EWorkdir, emulatorSuite, tokenAccepted, oneLine } from './harness';
import { ageDecrypt, ageKeyPair } from './secrets-harness';

jest.setTimeout(300_000);

const suite = emulatorSuite();

async function attrs(w: E2EWorkdir, address: string): Promise<Record<string, unknown>> {
  const r = await w.resource(address);
  if (!r) throw new Error(`${address} is not in the state`);
  return r;
}

test('GIVEN previous_token_grace WHEN rotated by time (emulator clock), then by rotation_triggers THEN generation goes 1 -> 2 -> 3, known at plan (a consumer follows it); a change of rotate_after leaves it', async () => {
  const { emulator } = suite;
  const w = suite.workdir('generation');
  const config = (release: string, rotateAfter = '240h') => ({
    resource: {
      mlp_access_token: {
        svc: { name_prefix: 'svc-', ttl: '720h', rotate_after: rotateAfter, previous_token_grace: '1h', rotation_triggers: { release } },
      },
      terraform_data: { consumer: { input: '${mlp_access_token.svc.generation}' } },
    },
  });
  const consumer = async () => (await attrs(w, 'terraform_data.consumer')).output;
  w.writeConfig(config('1'));
  await w.init();
  await w.apply();
  const first = await attrs(w, 'mlp_access_token.svc');
  expect(first.generation).toBe(1);
  expect(await consumer()).toBe(1);
  expect((await w.plan()).changes).toBe(false);

  // In place, not a rotation: nothing minted, generation kept.
  const mints = emulator.counters().mint;
  w.writeConfig(config('1', '200h'));
  const setting = await w.plan();
  expect(setting).toMatchObject({ changes: true, add: 0, change: 1, destroy: 0 });
  expect(setting.text).not.toMatch(/generation/);
  await w.apply();
  expect(await attrs(w, 'mlp_access_token.svc')).toMatchObject({ id: first.id, generation: 1 });
  expect(emulator.counters().mint).toBe(mints);

  // By time: rotate_after passes on the emulator's clock.
  emulator.clock.advance('201h');
  const byTime = await w.plan();
  // Two updates: the token, in place, and the consumer, whose input is the new generation.
  expect(byTime).toMatchObject({ changes: true, add: 0, change: 2, destroy: 0 });
  expect(byTime.text).toMatch(/generation\s+= 1 -> 2/);
  expect(byTime.text).toMatch(/~ input\s+= 1 -> 2/);
  await w.apply();
  const second = await attrs(w, 'mlp_access_token.svc');
  expect(second.generation).toBe(2);
  expect(second.id).not.toBe(first.id);
  expect(await consumer()).toBe(2);
  expect((await w.plan()).changes).toBe(false);

  // By rotation_triggers.
  w.writeConfig(config('2', '200h'));
  const byTriggers = await w.plan();
  expect(byTriggers).toMatchObject({ changes: true, add: 0, change: 2, destroy: 0 });
  expect(byTriggers.text).toMatch(/generation\s+= 2 -> 3/);
  await w.apply();
  const third = await attrs(w, 'mlp_access_token.svc');
  expect(third.generation).toBe(3);
  expect(await consumer()).toBe(3);
  expect(await tokenAccepted(emulator.url, String(third.value))).toBe(true);
  expect((await w.plan()).changes).toBe(false);

  await w.destroy();
  await w.assertNoSecrets([emulator.adminToken, first.value, second.value, third.value].map(String));
});

test('GIVEN no previous_token_grace WHEN rotation_triggers change THEN the token is replaced and generation starts again at 1 (what Terraform allows: the new object knows nothing of the old)', async () => {
  const { emulator } = suite;
  const w = suite.workdir('generation-replace');
  const config = (release: string) => ({
    resource: { mlp_access_token: { ci: { name_prefix: 'ci-', ttl: '720h', rotation_triggers: { release } } } },
  });
  w.writeConfig(config('1'));
  await w.init();
  await w.apply();
  const first = await attrs(w, 'mlp_access_token.ci');
  expect(first.generation).toBe(1);
  w.writeConfig(config('2'));
  expect(await w.plan()).toMatchObject({ add: 1, destroy: 1 });
  await w.apply();
  const second = await attrs(w, 'mlp_access_token.ci');
  expect(second).toMatchObject({ generation: 1 });
  expect(second.id).not.toBe(first.id);
  await w.destroy();
  await w.assertNoSecrets([emulator.adminToken, first.value, second.value].map(String));
});

test('GIVEN a registration token (plain, and sealed) WHEN rotation_triggers change THEN the plan is an in-place update with a warning that the old one cannot be revoked, and generation goes 1 -> 2; the sealed one is re-sealed', async () => {
  const { emulator } = suite;
  const w = suite.workdir('generation-register');
  const team = ageKeyPair(w.dir, 'team');
  const config = (issue: string) => ({
    resource: {
      mlp_register_token: {
        handoff: { name_prefix: 'worker-', ttl: '1h', access_token_ttl: '24h', rotation_triggers: { issue } },
        sealed: { name_prefix: 'sealed-', ttl: '1h', seal_to: [team.recipient], rotation_triggers: { issue } },
      },
    },
  });
  w.writeConfig(config('1'));
  await w.init();
  await w.apply();
  const first = await attrs(w, 'mlp_register_token.handoff');
  const firstSealed = await attrs(w, 'mlp_register_token.sealed');
  expect(first.generation).toBe(1);
  expect(firstSealed).toMatchObject({ generation: 1, value: null });
  const firstSealedValue = ageDecrypt(String(firstSealed.sealed_value), team.identityFile);

  w.writeConfig(config('2'));
  const reissue = await w.plan();
  expect(reissue).toMatchObject({ changes: true, add: 0, change: 2, destroy: 0 });
  expect(reissue.text).toMatch(/generation\s+= 1 -> 2/);
  expect(oneLine(reissue.text)).toMatch(new RegExp(`Registration token re-issued in place.*"${String(first.name)}".*cannot be revoked`));
  const applied = await w.apply();
  expect(oneLine(`${applied.stdout}\n${applied.stderr}`)).toMatch(/Registration token removed from state only/);
  const second = await attrs(w, 'mlp_register_token.handoff');
  expect(second.generation).toBe(2);
  expect(second.value).not.toBe(first.value);
  expect(second.name).not.toBe(first.name);
  const secondSealed = await attrs(w, 'mlp_register_token.sealed');
  expect(secondSealed).toMatchObject({ generation: 2, value: null });
  const secondSealedValue = ageDecrypt(String(secondSealed.sealed_value), team.identityFile);
  expect(secondSealedValue).not.toBe(firstSealedValue);
  // The new registration tokens work (redeemed here, as a team would), and the next plan is quiet.
  const anonymous = new MlpClient({ endpoint: emulator.url });
  let redeemed: string[];
  try {
    redeemed = [
      (await anonymous.redeemRegisterToken(String(second.value))).value.reveal(),
      (await anonymous.redeemRegisterToken(secondSealedValue)).value.reveal(),
    ];
  } finally {
    await anonymous.close();
  }
  expect(emulator.tokens().map((t) => t.name)).toEqual(expect.arrayContaining([second.name, secondSealed.name]));
  expect((await w.plan()).changes).toBe(false);

  await w.destroy();
  await w.assertNoSecrets([emulator.adminToken, first.value, second.value, firstSealedValue, secondSealedValue, ...redeemed].map(String));
});
