/**
 * What an error message adds when a state-changing request may have landed although its answer
 * never arrived: that the outcome is unknown, and how to find out, per route. `MlpError` appends it
 * to every message whose `outcomeUnknown` is set, so no call site can forget it and nothing has to
 * look for it in the text afterwards.
 */
import type { RouteName } from '../contract/routes';

export function outcomeAdvice(route: RouteName | undefined): string {
  switch (route) {
    case 'redeem':
      return 'The outcome is unknown: the registration token may have been used and the access token created, with a value nobody received. Look the token up by name (findToken); if it exists, delete it and redeem a freshly minted registration token.';
    case 'delete':
      return 'The outcome is unknown: the token may have been deleted. List the tokens to check.';
    case 'mint':
      return 'The outcome is unknown: a registration token may have been minted; it expires unused, so minting again is safe.';
    default:
      return 'The outcome is unknown: the request may have been applied.';
  }
}

/** `message` with the advice as its last sentence. */
export function withOutcomeAdvice(message: string, route: RouteName | undefined): string {
  const ended = /[.!?]$/.test(message) ? message : `${message}.`;
  return `${ended} ${outcomeAdvice(route)}`;
}
