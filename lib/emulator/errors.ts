/**
 * Errors the emulator's programmatic API throws (a bad option, a taken name, an unreadable state
 * file). Each comes from a named factory and carries a `code`, so callers branch on the code and
 * the control API maps it to an HTTP status without parsing messages.
 */

export type EmulatorErrorCode = 'validation' | 'conflict' | 'not_found' | 'state';

export class EmulatorError extends Error {
  override readonly name = 'EmulatorError';

  private constructor(
    readonly code: EmulatorErrorCode,
    message: string,
    /** For `validation`: which input was wrong. */
    readonly field?: string,
  ) {
    super(message);
  }

  /** `field` names the input; the message reads `<field>: <why>`. */
  static validation(field: string, why: string): EmulatorError {
    return new EmulatorError('validation', `${field}: ${why}`, field);
  }

  static conflict(name: string): EmulatorError {
    return new EmulatorError('conflict', `an access token named "${name}" already exists; delete it first or pick another name`);
  }

  static notFound(name: string): EmulatorError {
    return new EmulatorError('not_found', `no access token named "${name}"`);
  }

  static state(path: string, why: string): EmulatorError {
    return new EmulatorError('state', `cannot use the state file ${path}: ${why}`);
  }
}
