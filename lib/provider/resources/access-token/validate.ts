/**
 * Static checks of an `mlp_access_token` configuration: what conflicts, what is missing, and which
 * values (names, roles, durations, their relations) could never be applied, said before any plan.
 * Values may be unknown here; a check waits until the value it needs is known.
 */
import { ACCESS_TOKEN_ATTRS as A, ROLES } from '../../../constants';
import { durationProblem, parseDuration } from '../../../contract/duration';
import { nameProblem, namePrefixProblem } from '../../../contract/validation';
import { type ObjectValue, UNKNOWN } from '../../codec';
import { diag } from '../../diagnostics';
import type { ValidateContext } from '../../handler';
import { type Maybe, getString, isKnown } from '../../values';
import { redeemedToken, validateWriteOnlyRedeem } from '../write-only';
import { graceProblem } from '../overlap';

export function validateAccessToken(config: ObjectValue, ctx: ValidateContext): void {
  const d = ctx.diagnostics;
  const name = getString(config, A.name);
  const prefix = getString(config, A.namePrefix);
  const registerToken = getString(config, A.registerToken);
  const redeems = redeemedToken(config);
  const role = getString(config, A.role);
  const ttl = getString(config, A.ttl);
  const window = getString(config, A.earlyRotationWindow);
  const rotateAfter = getString(config, A.rotateAfter);

  if (name !== null && prefix !== null)
    d.add(diag.conflictingAttributes(A.name, A.namePrefix, 'name_prefix makes a unique name of its own'));
  if (registerToken !== null && prefix !== null)
    d.add(diag.conflictingAttributes(A.namePrefix, A.registerToken, 'the registration token fixes the name'));
  if (registerToken !== null && ttl !== null)
    d.add(diag.conflictingAttributes(A.ttl, A.registerToken, 'the registration token fixes the lifetime'));
  validateWriteOnlyRedeem(config, ctx);
  if (name === null && prefix === null && redeems === null) {
    d.add(
      diag.missingOneOf(
        [A.name, A.namePrefix, A.registerToken],
        'an Administrator creates a token by name (or name prefix), anyone can redeem a registration token',
      ),
    );
  }
  if (isKnown(name)) {
    const problem = nameProblem(name);
    if (problem) d.add(diag.invalidAttribute([A.name], problem));
  }
  if (isKnown(prefix)) {
    const problem = namePrefixProblem(prefix);
    if (problem) d.add(diag.invalidAttribute([A.namePrefix], problem));
  }
  if (isKnown(role) && !(ROLES as readonly string[]).includes(role)) {
    d.add(diag.invalidAttribute([A.role], `${JSON.stringify(role)} is not a role`, 'Use "user" or "admin"'));
  }
  if (isKnown(registerToken) && registerToken.trim() === '') {
    d.add(
      diag.invalidAttribute(
        [A.registerToken],
        'register_token is empty',
        'Set it to a registration token value, or remove it to create the token as an Administrator',
      ),
    );
  }
  const durations: [string, Maybe<string>][] = [
    [A.ttl, ttl],
    [A.rotateAfter, rotateAfter],
    [A.earlyRotationWindow, window],
  ];
  let durationsValid = true;
  for (const [attr, v] of durations) {
    if (!isKnown(v)) continue;
    const problem = durationProblem(v);
    if (problem) {
      durationsValid = false;
      d.add(diag.invalidAttribute([attr], problem));
    }
  }
  if (durationsValid && isKnown(window) && isKnown(ttl) && parseDuration(window) >= parseDuration(ttl)) {
    d.add(
      diag.invalidAttribute(
        [A.earlyRotationWindow],
        `early_rotation_window (${window}) is not shorter than ttl (${ttl}), so the token would be due for rotation as soon as it is created`,
        'Make the window shorter than the lifetime, e.g. a tenth of it',
      ),
    );
  }
  if (durationsValid && isKnown(rotateAfter) && isKnown(ttl) && parseDuration(rotateAfter) >= parseDuration(ttl)) {
    d.add(
      diag.invalidAttribute(
        [A.rotateAfter],
        `rotate_after (${rotateAfter}) is not shorter than ttl (${ttl}), so the token expires before it is due for rotation and rotate_after never takes effect`,
        'Make rotate_after shorter than the lifetime, or remove it and rely on early_rotation_window',
      ),
    );
  }
  const grace = getString(config, A.previousTokenGrace);
  if (grace !== null && name !== null)
    d.add(
      diag.conflictingAttributes(
        A.previousTokenGrace,
        A.name,
        'the new token must exist beside the old one during the grace, and names are unique: use name_prefix',
      ),
    );
  if (grace !== null && redeems !== null)
    d.add(
      diag.conflictingAttributes(
        A.previousTokenGrace,
        registerToken !== null ? A.registerToken : A.registerTokenWo,
        'a registration token works once, so the provider cannot make the next token by itself',
      ),
    );
  if (isKnown(grace)) {
    const problem = durationProblem(grace);
    if (problem) d.add(diag.invalidAttribute([A.previousTokenGrace], problem));
    else if (durationsValid && isKnown(ttl) && rotateAfter !== UNKNOWN && window !== UNKNOWN) {
      const tooLong = graceProblem(grace, ttl, rotateAfter, window);
      if (tooLong)
        d.add(
          diag.invalidAttribute(
            [A.previousTokenGrace],
            tooLong,
            'Make previous_token_grace shorter, rotate earlier (a shorter rotate_after, a longer early_rotation_window), or give the token a longer ttl; leave a scheduled run of slack too',
          ),
        );
    }
  }
  if (grace !== null && (config[A.sealTo] ?? null) !== null)
    d.add(
      diag.conflictingAttributes(
        A.previousTokenGrace,
        A.sealTo,
        'an in-place rotation would store the new value unsealed; seal_to works with replacement rotation',
      ),
    );
  if (window !== null && ttl === null && redeems === null) {
    d.add(
      diag.uselessAttribute(
        A.earlyRotationWindow,
        'Without ttl the token never expires, so there is no expiry to rotate ahead of. Set ttl, or use rotate_after.',
      ),
    );
  }
}
