/**
 * The calendar and the expectations of the month-of-nights scenario (`ci/nights.test.ts`), computed
 * up front from the token settings alone, before any Terraform runs:
 * - when each nightly job starts (02:00 UTC plus a seeded start-time jitter, as a CI scheduler's is),
 *   and when each consumer re-reads the output on the day after (a seeded random hour);
 * - on which nights each token rotates (`rotate_after`, `early_rotation_window`, or its `ttl` running
 *   out) and on which nights its retired tokens are revoked (`previous_token_grace`): the rules of
 *   README's "How rotation works", applied to the night start times.
 *
 * The model takes a token's `created_at` as the start of the night that created it (the real apply
 * is seconds later). A due time inside a night's start window (02:00 to 02:00 plus the largest
 * jitter, widened by {@link MIN_MARGIN_MS} on each side) is refused, whatever this seed's jitter: there
 * the scheduler, not the settings, decides the night (see the scenario's note on 167h).
 */
import { parseDuration } from '../../../lib/contract/duration';
import { mulberry32 } from '../../../lib/emulator';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
/** A due time this close to a night start would let seconds of apply time decide the night. */
export const MIN_MARGIN_MS = 10 * 60_000;
/** The nightly job starts up to this late (a scheduler's queueing). */
export const MAX_START_JITTER_MS = 20 * 60_000;

/** The rotation settings of one token, as written in its configuration (Go-style durations). */
export interface RotationSettings {
  readonly ttl?: string;
  readonly rotate_after?: string;
  readonly early_rotation_window?: string;
  readonly previous_token_grace?: string;
}

/** When things happen: night starts, and each consumer's read on each day. */
export interface Calendar {
  /** Start of the nightly job of night k (epoch ms); night 0 creates the stack. */
  readonly nightStarts: readonly number[];
  /** When night k is scheduled (epoch ms): its job starts from then to {@link MAX_START_JITTER_MS} later. */
  readonly nightSlots: readonly number[];
  /** reads[k][consumer]: when that consumer re-reads the output on the day after night k. */
  readonly reads: readonly (readonly number[])[];
}

/** What must happen on which night, per token. */
export interface Expectations {
  /** Nights on which the token is replaced or rotated in place (never night 0: it is created then). */
  readonly rotations: readonly number[];
  /** Nights on which an apply revokes a retired token of it (grace passed), one entry per token revoked. */
  readonly revocations: readonly number[];
}

/**
 * Night k starts at `firstNight + k days + jitter`; on the day after, each of `consumers` reads once,
 * at a random time from 30 minutes after the night's start to 30 minutes before the next night's
 * earliest start.
 */
export function calendar(firstNight: Date, nights: number, consumers: number, seed: number): Calendar {
  const random = mulberry32(seed);
  const nightStarts: number[] = [];
  const nightSlots: number[] = [];
  const reads: number[][] = [];
  for (let k = 0; k < nights; k++) {
    const base = firstNight.getTime() + k * DAY_MS;
    const start = base + Math.floor(random() * MAX_START_JITTER_MS);
    nightStarts.push(start);
    nightSlots.push(base);
    const from = start + 30 * 60_000;
    const to = base + DAY_MS - 30 * 60_000;
    reads.push(Array.from({ length: consumers }, () => from + Math.floor(random() * (to - from))));
  }
  return { nightStarts, nightSlots, reads };
}

const ms = (d: string | undefined): number | undefined => (d === undefined ? undefined : parseDuration(d) * 1000);

/**
 * Replays the nights with the provider's rules: a token created at `created` is due at the earliest
 * of `created + rotate_after`, `expires - early_rotation_window` and `expires`; the first night at or
 * after that rotates it. With a grace, the token it replaced is revoked by the first night at or after
 * `rotation + grace`. Throws when a due time lies in a night's start window (see the file's note).
 */
export function expectedNights(
  settings: RotationSettings,
  { nightStarts, nightSlots }: Pick<Calendar, 'nightStarts' | 'nightSlots'>,
): Expectations {
  const ttl = ms(settings.ttl);
  const rotateAfter = ms(settings.rotate_after);
  const window = ms(settings.early_rotation_window);
  const grace = ms(settings.previous_token_grace);
  const rotations: number[] = [];
  const revocations: number[] = [];
  let created = nightStarts[0]!;
  let retired: number[] = [];
  const decide = (due: number, now: number, night: number, what: string): boolean => {
    const slot = nightSlots[night]!;
    if (due > slot - MIN_MARGIN_MS && due < slot + MAX_START_JITTER_MS + MIN_MARGIN_MS) {
      const offset = Math.round((due - slot) / 60_000);
      throw new Error(
        `${what} falls due ${offset} min from the scheduled start of night ${night}, inside its start window: the job's start time, not the settings, would decide the night; change the settings`,
      );
    }
    return now >= due;
  };
  for (let night = 1; night < nightStarts.length; night++) {
    const now = nightStarts[night]!;
    const kept: number[] = [];
    for (const revokeAfter of retired) {
      if (decide(revokeAfter, now, night, 'a revocation')) revocations.push(night);
      else kept.push(revokeAfter);
    }
    retired = kept;
    const candidates: number[] = [];
    if (rotateAfter !== undefined) candidates.push(created + rotateAfter);
    if (ttl !== undefined) candidates.push(created + ttl - (window ?? 0));
    if (candidates.length === 0) continue;
    if (!decide(Math.min(...candidates), now, night, 'a rotation')) continue;
    rotations.push(night);
    if (grace !== undefined) retired.push(now + grace);
    created = now;
  }
  return { rotations, revocations };
}
