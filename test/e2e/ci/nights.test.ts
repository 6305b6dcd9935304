/**
 * A month of nights, simulated: the nightly job (`terraform apply`: plan and apply in one job, as in
 * examples/ci) runs once a night against the emulator, whose clock moves to each night's start
 * (02:00 UTC plus a seeded jitter), on a stack of tokens with `rotate_after`, `early_rotation_window`
 * (with a `ttl`) and `previous_token_grace`. One consumer per token re-reads the output
 * (`terraform output -json`) once a day at a seeded random hour (the clock moved there between
 * nightly runs), keeps that value until its next read, and checks with who-am-I that it works.
 *
 * Every night is checked against expectations computed up front from the settings alone
 * (`support/nights.ts`):
 * (a) exactly the expected tokens rotate (and their retired tokens are revoked) on exactly the
 *     expected nights, and the apply's summary counts say the same;
 * (b) no consumer ever holds a token the API refuses while the stack promises it valid (the
 *     current value, or a retired one before its `revoke_after`): "invalid while promised", goal 0.
 *     Stale reads (a read that finds the value rotated away since the last one) and tokens held
 *     dead without a promise (rotation without a grace) are counted too;
 * (c) the API holds exactly the state's tokens plus its retired ones, and after an apply every
 *     retired token is still inside its grace.
 * Destroy at the end leaves nothing. The figures are printed as one JSON line.
 *
 * `MLP_NIGHTS` unset: 30 nights, 4 tokens (`npm test`). `MLP_NIGHTS=<n>` (`npm run test:nights`:
 * 30): n nights, 8 tokens. One working directory with local state (the job of a persistent runner):
 * remote state between runners is `shared-state.test.ts`'s subject, and local state keeps a night
 * at one apply of 0.7 to 1.4 s here (pg: about 2.4 s). The state file is read directly (a `terraform state pull` would
 * print values into the transcript the secret search reads).
 *
 * Why 167h and not 168h for "weekly": a token created by the night job at 02:00:05 is due at 02:00:05
 * a week later, and next week's job may start at 02:00:03; whether it rotates after 7 or 8 nights is
 * then decided by the scheduler's jitter. A `rotate_after` an hour short of whole nights rotates on
 * the 7th night every time (the model refuses settings whose due time falls in a night's start window).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { emulatorSuite, projectTokenNames, tokenAccepted, type E2EWorkdir } from '../harness';
import { ADMIN_NAME, report } from '../reliability/support';
import { calendar, expectedNights, type Expectations, type RotationSettings } from '../support/nights';

/** The nights of `npm test`; `MLP_NIGHTS` sets another number (and the full stack). */
const CI_NIGHTS = 30;
const FULL = process.env.MLP_NIGHTS !== undefined && process.env.MLP_NIGHTS !== '';
const NIGHTS = FULL ? Number(process.env.MLP_NIGHTS) : CI_NIGHTS;
if (!Number.isInteger(NIGHTS) || NIGHTS < 10 || NIGHTS > 366) {
  // A bad value fails the file (never a silent skip): fewer than 10 nights rotate almost nothing.
  throw new Error(`MLP_NIGHTS=${JSON.stringify(process.env.MLP_NIGHTS)} is not a number of nights from 10 to 366`);
}
const SEED = 20261201;
const FIRST_NIGHT = new Date('2027-03-01T02:00:00Z');

/** One token of the stack: its resource name, how it is named, its rotation settings. */
interface TokenSpec {
  readonly address: string;
  readonly naming: { readonly name: string } | { readonly name_prefix: string };
  readonly settings: RotationSettings;
  readonly lifecycle?: Record<string, unknown>;
}

const CI_TOKENS: readonly TokenSpec[] = [
  // Weekly, with a 36h overlap: rotates on nights 7, 14, ...; the old one revoked two nights later.
  { address: 'api', naming: { name_prefix: 'nights-api-' }, settings: { ttl: '240h', rotate_after: '167h', previous_token_grace: '36h' } },
  // Every 5 nights, replaced (create before destroy): the old one dies in the apply that rotates it.
  {
    address: 'worker',
    naming: { name_prefix: 'nights-worker-' },
    settings: { rotate_after: '119h' },
    lifecycle: { create_before_destroy: true },
  },
  // 11-day lifetime rotated 84h before it ends (due 180h after creation: every 8th night), with overlap.
  {
    address: 'batch',
    naming: { name_prefix: 'nights-batch-' },
    settings: { ttl: '264h', early_rotation_window: '84h', previous_token_grace: '36h' },
  },
  // Never rotates: no night may touch it.
  { address: 'static', naming: { name: 'nights-static' }, settings: {} },
];

const MORE_TOKENS: readonly TokenSpec[] = [
  { address: 'deploy', naming: { name_prefix: 'nights-deploy-' }, settings: { rotate_after: '71h', previous_token_grace: '12h' } },
  // A fixed name: replaced by delete, then create (names are unique).
  { address: 'reports', naming: { name: 'nights-reports' }, settings: { ttl: '96h', early_rotation_window: '30h' } },
  {
    address: 'partner',
    naming: { name_prefix: 'nights-partner-' },
    settings: { ttl: '720h', rotate_after: '335h', previous_token_grace: '60h' },
  },
  // Both rules: rotate_after (95h) comes before the window (168h - 40h), so it decides.
  {
    address: 'ingest',
    naming: { name_prefix: 'nights-ingest-' },
    settings: { ttl: '168h', rotate_after: '95h', early_rotation_window: '40h', previous_token_grace: '30h' },
  },
];

const TOKENS: readonly TokenSpec[] = FULL ? [...CI_TOKENS, ...MORE_TOKENS] : CI_TOKENS;
const hasGrace = (t: TokenSpec): boolean => t.settings.previous_token_grace !== undefined;

jest.setTimeout(120_000 + NIGHTS * TOKENS.length * 3_000);

const suite = emulatorSuite({ seed: SEED });
const figures: Record<string, unknown> = {};
afterAll(() => report('ci-nights', figures));

function stackConfig(): Record<string, unknown> {
  const resources: Record<string, unknown> = {};
  const outputs: Record<string, unknown> = {};
  for (const t of TOKENS) {
    resources[t.address] = { ...t.naming, ...t.settings, ...(t.lifecycle ? { lifecycle: t.lifecycle } : {}) };
    outputs[t.address] = { value: `\${mlp_access_token.${t.address}.value}`, sensitive: true };
  }
  return { resource: { mlp_access_token: resources }, output: outputs };
}

interface Retired {
  readonly name: string;
  readonly id: string;
  readonly revoke_after: string;
}

/** One token as the state holds it. */
interface HeldToken {
  readonly id: string;
  readonly name: string;
  readonly value: string;
  readonly retired: readonly Retired[];
}

/** The state's tokens by resource name, read from `terraform.tfstate` (empty before the first apply). */
function readState(w: E2EWorkdir): Map<string, HeldToken> {
  const file = path.join(w.dir, 'terraform.tfstate');
  const out = new Map<string, HeldToken>();
  if (!fs.existsSync(file)) return out;
  const state = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    resources?: { mode: string; type: string; name: string; instances: { attributes: Record<string, unknown> }[] }[];
  };
  for (const r of state.resources ?? []) {
    if (r.mode !== 'managed' || r.type !== 'mlp_access_token') continue;
    const a = r.instances[0]!.attributes;
    out.set(r.name, { id: String(a.id), name: String(a.name), value: String(a.value), retired: (a.retired_tokens ?? []) as Retired[] });
  }
  return out;
}

/** What one consumer saw over the month. */
interface Tally {
  reads: number;
  /** Reads that found the value rotated away since the previous read. */
  staleReads: number;
  checks: number;
  /** Checks at which the consumer held a value no longer current... */
  staleHeld: number;
  /** ...and of those, the ones where the API still accepted it (the overlap at work). */
  staleWorking: number;
  /** Refused by the API while the stack promised it valid: goal 0. */
  invalidWhilePromised: number;
  /** Refused, with no promise (rotated without a grace, or past it). */
  invalidUnpromised: number;
}

test(`GIVEN ${TOKENS.length} tokens with rotate_after, early_rotation_window and previous_token_grace WHEN a nightly apply runs on ${NIGHTS} nights and each consumer re-reads once a day at a random hour THEN exactly the expected tokens rotate on the expected nights, no consumer holds a token invalid while promised, the API holds exactly the state's tokens, and destroy leaves nothing`, async () => {
  const startedAt = Date.now();
  const { emulator } = suite;
  const cal = calendar(FIRST_NIGHT, NIGHTS, TOKENS.length, SEED);
  const expected = new Map<string, Expectations>(TOKENS.map((t) => [t.address, expectedNights(t.settings, cal)]));
  if (!FULL) {
    // Worked by hand from the settings, so the model cannot drift with the provider: 167h from night 0
    // is 1h before night 7; 264h - 84h = 180h is night 7.5; 36h after night 7 is night 8.5.
    expect(Object.fromEntries(expected)).toEqual({
      api: { rotations: [7, 14, 21, 28], revocations: [9, 16, 23] },
      worker: { rotations: [5, 10, 15, 20, 25], revocations: [] },
      batch: { rotations: [8, 16, 24], revocations: [10, 18, 26] },
      static: { rotations: [], revocations: [] },
    });
  }
  // The month must exercise every rule it is meant to: each token with settings rotates, and each with a grace revokes.
  for (const t of TOKENS) {
    const e = expected.get(t.address)!;
    if (Object.keys(t.settings).length > 0)
      expect({ token: t.address, rotates: e.rotations.length > 0 }).toEqual({ token: t.address, rotates: true });
    if (hasGrace(t)) expect({ token: t.address, revokes: e.revocations.length > 0 }).toEqual({ token: t.address, revokes: true });
  }

  const w = suite.workdir('nights');
  w.writeConfig(stackConfig());
  await w.init();

  const problems: string[] = [];
  const rotations = new Map<string, number[]>(TOKENS.map((t) => [t.address, []]));
  const revocations = new Map<string, number[]>(TOKENS.map((t) => [t.address, []]));
  const tallies = new Map<string, Tally>(
    TOKENS.map((t) => [
      t.address,
      { reads: 0, staleReads: 0, checks: 0, staleHeld: 0, staleWorking: 0, invalidWhilePromised: 0, invalidUnpromised: 0 },
    ]),
  );
  const held = new Map<string, { id: string; name: string; value: string }>();
  const secrets = new Set<string>([emulator.adminToken]);
  const applyMs: number[] = [];
  let apiStateMismatches = 0;
  let state = readState(w);

  /** (c): the API's tokens are the state's, current and retired; after an apply, no retired one is past its grace. */
  const checkApi = (when: string, afterApply: boolean): void => {
    const api = emulator
      .tokens()
      .filter((t) => t.name !== ADMIN_NAME)
      .map((t) => `${t.name}#${t.id}`)
      .sort();
    const inState = [...state.values()].flatMap((t) => [`${t.name}#${t.id}`, ...t.retired.map((r) => `${r.name}#${r.id}`)]).sort();
    if (JSON.stringify(api) !== JSON.stringify(inState)) {
      apiStateMismatches++;
      problems.push(`${when}: the API holds ${JSON.stringify(api)}, the state ${JSON.stringify(inState)}`);
    }
    if (!afterApply) return;
    const now = emulator.clock.now().getTime();
    for (const [address, t] of state) {
      for (const r of t.retired)
        if (Date.parse(r.revoke_after) <= now)
          problems.push(`${when}: ${address}'s retired ${r.name} is past its grace (${r.revoke_after}) but was not revoked`);
    }
  };

  /** (b): is what the consumer of `address` holds accepted, and was it promised to be? */
  const checkHeld = async (address: string, when: string): Promise<void> => {
    const h = held.get(address);
    if (!h) return;
    const tally = tallies.get(address)!;
    const current = state.get(address)!;
    const isCurrent = current.id === h.id;
    const retired = current.retired.find((r) => r.id === h.id);
    const promised = isCurrent || (retired !== undefined && Date.parse(retired.revoke_after) > emulator.clock.now().getTime());
    const works = await tokenAccepted(emulator.url, h.value);
    tally.checks++;
    if (!isCurrent) {
      tally.staleHeld++;
      if (works) tally.staleWorking++;
    }
    if (works) return;
    if (promised) {
      tally.invalidWhilePromised++;
      problems.push(
        `${when}: the consumer of ${address} holds ${h.name}, refused by the API while ${isCurrent ? 'it is the current value' : `its grace runs until ${retired!.revoke_after}`}`,
      );
    } else {
      tally.invalidUnpromised++;
    }
  };

  for (let night = 0; night < NIGHTS; night++) {
    emulator.clock.set(new Date(cal.nightStarts[night]!));
    const label = `night ${night} (${emulator.clock.now().toISOString().slice(0, 16)})`;
    for (const t of TOKENS) await checkHeld(t.address, `before ${label}`);
    checkApi(`before ${label}`, false);

    const before = state;
    const t0 = Date.now();
    const result = await w.apply();
    applyMs.push(Date.now() - t0);
    state = readState(w);
    for (const t of state.values()) secrets.add(t.value);

    // (a): what rotated and what was revoked, against the expectations; the apply's counts agree.
    let added = 0;
    let changed = 0;
    for (const t of TOKENS) {
      const was = before.get(t.address);
      const now = state.get(t.address);
      if (!now) {
        problems.push(`${label}: ${t.address} is missing from the state`);
        continue;
      }
      if (!was) {
        if (night !== 0) problems.push(`${label}: ${t.address} was created, not on night 0`);
        added++;
        continue;
      }
      const rotated = was.id !== now.id;
      const revoked = was.retired.filter((r) => !now.retired.some((n) => n.id === r.id)).length;
      if (rotated) rotations.get(t.address)!.push(night);
      for (let i = 0; i < revoked; i++) revocations.get(t.address)!.push(night);
      const e = expected.get(t.address)!;
      const shouldRotate = e.rotations.includes(night);
      const shouldRevoke = e.revocations.filter((n) => n === night).length;
      if (rotated !== shouldRotate)
        problems.push(
          `${label}: ${t.address} ${rotated ? 'rotated' : 'did not rotate'}; expected on nights ${JSON.stringify(e.rotations)}`,
        );
      if (revoked !== shouldRevoke)
        problems.push(
          `${label}: ${revoked} retired token(s) of ${t.address} revoked, expected ${shouldRevoke} (nights ${JSON.stringify(e.revocations)})`,
        );
      if (shouldRotate && !hasGrace(t)) added++;
      if ((shouldRotate && hasGrace(t)) || shouldRevoke > 0) changed++;
    }
    const summary = /Resources: (\d+) added, (\d+) changed, (\d+) destroyed/.exec(result.stdout);
    const expectedSummary = `${added} added, ${changed} changed, ${night === 0 ? 0 : added} destroyed`;
    const actualSummary = summary ? `${summary[1]} added, ${summary[2]} changed, ${summary[3]} destroyed` : 'no summary';
    if (actualSummary !== expectedSummary) problems.push(`${label}: the apply said "${actualSummary}", expected "${expectedSummary}"`);

    checkApi(`after ${label}`, true);
    for (const t of TOKENS) await checkHeld(t.address, `after ${label}`);

    // The day after: each consumer checks what it holds, then re-reads the output, at its hour.
    const day = cal.reads[night]!.map((at, i) => ({ at, token: TOKENS[i]!.address })).sort((a, b) => a.at - b.at);
    for (const read of day) {
      emulator.clock.set(new Date(read.at));
      const when = `day ${night} ${emulator.clock.now().toISOString().slice(11, 16)}`;
      await checkHeld(read.token, when);
      const outputs = await w.tf.outputs();
      const value = String(outputs[read.token]?.value);
      const current = state.get(read.token)!;
      if (value !== current.value) problems.push(`${when}: the output of ${read.token} is not the state's current value`);
      const tally = tallies.get(read.token)!;
      tally.reads++;
      const previous = held.get(read.token);
      if (previous && previous.id !== current.id) tally.staleReads++;
      held.set(read.token, { id: current.id, name: current.name, value });
      if (!(await tokenAccepted(emulator.url, value))) {
        tally.invalidWhilePromised++;
        problems.push(`${when}: the value just read for ${read.token} (${current.name}) is refused by the API`);
      }
    }
  }

  await w.destroy();
  const left = projectTokenNames(emulator);

  const sum = (pick: (t: Tally) => number): number => [...tallies.values()].reduce((n, t) => n + pick(t), 0);
  Object.assign(figures, {
    nights: NIGHTS,
    tokens: TOKENS.length,
    seed: SEED,
    rotations: Object.fromEntries(rotations),
    revocations: Object.fromEntries(revocations),
    reads: sum((t) => t.reads),
    staleReads: sum((t) => t.staleReads),
    staleHeldButWorking: sum((t) => t.staleWorking),
    invalidWhilePromised: sum((t) => t.invalidWhilePromised),
    heldInvalidWithoutPromise: Object.fromEntries(TOKENS.map((t) => [t.address, tallies.get(t.address)!.invalidUnpromised])),
    apiStateMismatches,
    leftAfterDestroy: left.length,
    applySeconds: {
      mean: Number((applyMs.reduce((a, b) => a + b, 0) / applyMs.length / 1000).toFixed(2)),
      max: Number((Math.max(...applyMs) / 1000).toFixed(2)),
    },
    totalSeconds: Math.round((Date.now() - startedAt) / 1000),
  });

  expect(problems).toEqual([]);
  expect(Object.fromEntries(rotations)).toEqual(Object.fromEntries(TOKENS.map((t) => [t.address, expected.get(t.address)!.rotations])));
  expect(Object.fromEntries(revocations)).toEqual(Object.fromEntries(TOKENS.map((t) => [t.address, expected.get(t.address)!.revocations])));
  expect(sum((t) => t.invalidWhilePromised)).toBe(0);
  expect(apiStateMismatches).toBe(0);
  for (const t of TOKENS) {
    const tally = tallies.get(t.address)!;
    const n = expected.get(t.address)!.rotations.length;
    // Each rotation is found by exactly one later read; with a grace the held value kept working
    // meanwhile, without one it was dead at the two checks before that read (after the apply, and at the read).
    expect({ token: t.address, reads: tally.reads, staleReads: tally.staleReads, invalidUnpromised: tally.invalidUnpromised }).toEqual({
      token: t.address,
      reads: NIGHTS,
      staleReads: n,
      invalidUnpromised: hasGrace(t) ? 0 : 2 * n,
    });
  }
  expect(left).toEqual([]);
  await w.assertNoSecrets(secrets);
});

test('GIVEN rotate_after of exactly 7 days (168h) WHEN the expected nights are computed THEN the model refuses: the job start jitter, not the setting, would decide between night 7 and 8', () => {
  const cal = calendar(FIRST_NIGHT, CI_NIGHTS, 1, SEED);
  expect(() => expectedNights({ rotate_after: '168h' }, cal)).toThrow(
    /a rotation falls due \d+ min from the scheduled start of night 7, inside its start window/,
  );
  expect(expectedNights({ rotate_after: '167h' }, cal).rotations).toEqual([7, 14, 21, 28]);
});
