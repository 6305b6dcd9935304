/**
 * Rotation with an overlap window (`previous_token_grace`), with real Terraform against the emulator:
 * a rotation replaces the token in place and the old one keeps working, listed in `retired_tokens`;
 * a plan after the grace shows its revocation, and that apply deletes it; destroy leaves nothing.
 */
import { E2EWorkdir, emulatorSuite, tokenAccepted, projectTokenNames, oneLine } from './harness';

jest.setTimeout(240_000);

const suite = emulatorSuite();

async function current(
  w: E2EWorkdir,
): Promise<{ name: string; value: string; retired: { name: string; id: string; revoke_after: string }[] }> {
  const r = await w.resource('mlp_access_token.svc');
  return {
    name: String(r?.name),
    value: String(r?.value),
    retired: (r?.retired_tokens ?? []) as { name: string; id: string; revoke_after: string }[],
  };
}

test('GIVEN previous_token_grace WHEN the token rotates (triggers, then time) THEN the old one works until the grace ends, a later plan shows its revocation and the apply revokes it; destroy leaves nothing', async () => {
  const { emulator } = suite;
  const w = suite.workdir('grace');
  const config = (release: string) => ({
    resource: {
      mlp_access_token: {
        svc: { name_prefix: 'svc-', ttl: '720h', rotate_after: '240h', previous_token_grace: '1h', rotation_triggers: { release } },
      },
    },
  });
  w.writeConfig(config('1'));
  await w.init();
  await w.apply();
  const first = await current(w);
  expect(first.retired).toEqual([]);
  expect((await w.plan()).changes).toBe(false);

  // Manual rotation: in place (no replacement), the old token retired with its revoke time.
  w.writeConfig(config('2'));
  const rotation = await w.plan();
  expect(rotation).toMatchObject({ changes: true, add: 0, change: 1, destroy: 0 });
  expect(oneLine(rotation.text)).toMatch(/MLP token rotates in place, with an overlap/);
  const at = emulator.clock.now().getTime();
  await w.apply();
  const second = await current(w);
  expect(second.name).not.toBe(first.name);
  expect(second.retired).toEqual([{ name: first.name, id: expect.any(String), revoke_after: expect.any(String) }]);
  expect(Date.parse(second.retired[0]!.revoke_after) - at).toBeGreaterThanOrEqual(3_600_000 - 5_000);
  expect(projectTokenNames(suite.emulator)).toEqual([first.name, second.name].sort());
  expect(await tokenAccepted(emulator.url, first.value)).toBe(true);
  expect(await tokenAccepted(emulator.url, second.value)).toBe(true);
  expect((await w.plan()).changes).toBe(false);

  // Within the grace: nothing to do. After it: the plan shows the revocation, the apply revokes.
  emulator.clock.advance('30m');
  expect((await w.plan()).changes).toBe(false);
  expect(await tokenAccepted(emulator.url, first.value)).toBe(true);
  emulator.clock.advance('31m');
  const revocation = await w.plan();
  expect(revocation).toMatchObject({ changes: true, add: 0, change: 1, destroy: 0 });
  expect(oneLine(revocation.text)).toMatch(new RegExp(`Retired MLP token will be revoked.*"${first.name}"`));
  expect(oneLine(revocation.text)).toMatch(/retired_tokens/);
  await w.apply();
  expect(await tokenAccepted(emulator.url, first.value)).toBe(false);
  expect(await tokenAccepted(emulator.url, second.value)).toBe(true);
  expect((await current(w)).retired).toEqual([]);
  expect(projectTokenNames(suite.emulator)).toEqual([second.name]);
  expect((await w.plan()).changes).toBe(false);

  // Time-based rotation (rotate_after) keeps the overlap too; destroy then deletes current and retired.
  emulator.clock.advance('240h');
  const due = await w.plan();
  expect(due).toMatchObject({ changes: true, add: 0, change: 1, destroy: 0 });
  await w.apply();
  const third = await current(w);
  expect(third.retired.map((r) => r.name)).toEqual([second.name]);
  expect(await tokenAccepted(emulator.url, second.value)).toBe(true);
  expect(projectTokenNames(suite.emulator)).toEqual([second.name, third.name].sort());
  await w.destroy();
  expect(projectTokenNames(suite.emulator)).toEqual([]);
  await w.assertNoSecrets([emulator.adminToken, first.value, second.value, third.value]);
});

test('GIVEN previous_token_grace with a fixed name WHEN validated THEN it is refused: the two tokens cannot share a name', async () => {
  const w = suite.workdir('grace-fixed');
  w.writeConfig({ resource: { mlp_access_token: { svc: { name: 'svc', previous_token_grace: '1h' } } } });
  await w.init();
  const plan = await w.plan([], { check: false });
  expect(oneLine(plan.text)).toMatch(/Conflicting previous_token_grace and name/);
  expect(suite.emulator.counters()).toMatchObject({ mint: 0, redeem: 0 });
  await w.assertNoSecrets([suite.emulator.adminToken]);
});
