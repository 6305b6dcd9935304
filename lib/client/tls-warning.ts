/**
 * `NODE_TLS_REJECT_UNAUTHORIZED=0` turns off certificate checks for every https connection the
 * process makes, so anyone on the path can read the admin token. It is usually inherited by
 * accident (a CI setting, a shell profile), so the client and the provider say so on stderr, once
 * per process: the flag lives on `globalThis` under a registered symbol, so the provider bundle and
 * the library (two copies of this module in one process) still warn once between them.
 */

/** The variable, and the value that disables verification (Node treats exactly `'0'` so). */
export const ENV_TLS_REJECT_UNAUTHORIZED = 'NODE_TLS_REJECT_UNAUTHORIZED';

const WARNED = Symbol.for('mlp-tokens.tls-verification-warning');

/** The warning's text (one line). */
export const TLS_VERIFICATION_WARNING =
  `mlp-tokens: warning: ${ENV_TLS_REJECT_UNAUTHORIZED}=0 is set in the environment, so TLS certificates are not verified: ` +
  `anyone between this machine and the MLP API can read the token. Unset it (fix the certificate chain, or set NODE_EXTRA_CA_CERTS to your CA's certificate).`;

/** `true` when `env` disables TLS certificate verification. */
export function tlsVerificationDisabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[ENV_TLS_REJECT_UNAUTHORIZED] === '0';
}

/**
 * Writes {@link TLS_VERIFICATION_WARNING} to stderr the first time it is called in a process with
 * verification disabled; `true` when it wrote it.
 */
export function warnIfTlsVerificationDisabled(
  env: NodeJS.ProcessEnv = process.env,
  write: (line: string) => void = (line) => process.stderr.write(line),
): boolean {
  if (!tlsVerificationDisabled(env)) return false;
  const flags = globalThis as unknown as Record<symbol, boolean | undefined>;
  if (flags[WARNED]) return false;
  flags[WARNED] = true;
  try {
    write(`${TLS_VERIFICATION_WARNING}\n`);
  } catch {
    // A closed stderr must not fail the caller.
  }
  return true;
}
