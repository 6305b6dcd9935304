/**
 * The constructs' side of keeping secrets out of state: the `sealTo` and write-only props shared by
 * MlpAccessToken and MlpRegisterToken and their synth-time checks (the sealed value's output is
 * made with the sensitive one's, in private/value-output).
 */
import { type TerraformElement, Token } from 'cdktf';
import { recipientProblem } from '../seal/recipients';
import * as errors from './errors';
import { checkSecretIsReference, isReference } from './private/validation';

/** Sealing the value to age recipients (both token constructs). */
export interface MlpSealProps {
  /**
   * age recipients (X25519 public keys, `age1...`, as `age-keygen` prints them) to seal the value
   * to at creation. The state then holds only the ciphertext (`sealedValue`, not sensitive) and the
   * value attribute is null; decrypt with `age -d -i key.txt`. The sensitive `<id>_value` output is
   * replaced by a plain `<id>_sealed_value` output. Changing the list later does not re-seal (the
   * value cannot be read again): rotate the token to seal a new value.
   *
   * @default - not sealed: the value is kept, usable, in the state
   */
  readonly sealTo?: readonly string[];
}

/** Redeeming a registration token without it entering the state (MlpAccessToken; Terraform 1.11+). */
export interface MlpWriteOnlyRedeemProps {
  /**
   * Write-only (Terraform 1.11+): a registration token to redeem, like `registerToken`, but never
   * stored in a plan or state. A reference (an ephemeral, sensitive TerraformVariable's
   * `stringValue`, say), never a literal. Needs `registerTokenWoVersion`. Not with `registerToken`.
   *
   * @default - none
   */
  readonly registerTokenWo?: string;

  /**
   * Required with `registerTokenWo`: Terraform cannot see a write-only value change, so change this
   * number to redeem the current `registerTokenWo` again (which replaces the token).
   *
   * @default - none
   */
  readonly registerTokenWoVersion?: number;
}

/** The synth-time rules of `sealTo`. */
export function checkSealTo(path: string, sealTo: readonly string[] | undefined): void {
  if (sealTo === undefined || isReference(sealTo)) return;
  if (!Array.isArray(sealTo) || sealTo.length === 0)
    throw errors.invalidSealTo(
      path,
      'sealTo is empty; list at least one age recipient ("age1..."), or leave sealTo out to keep the value in the state',
    );
  sealTo.forEach((recipient, i) => {
    if (isReference(recipient)) return;
    const problem = recipientProblem(recipient);
    if (problem) throw errors.invalidSealTo(path, `sealTo[${i}]: ${problem}`);
  });
}

/** The synth-time rules of the write-only pair. */
export function checkWriteOnlyRedeem(path: string, p: MlpWriteOnlyRedeemProps & { readonly registerToken?: string }): void {
  checkSecretIsReference(p.registerTokenWo, (length) => errors.literalRegisterTokenWo(path, length));
  if (p.registerTokenWo === undefined) {
    if (p.registerTokenWoVersion !== undefined) throw errors.writeOnlyVersionAlone(path);
    return;
  }
  if (p.registerToken !== undefined) throw errors.registerTokenTwice(path);
  if (p.registerTokenWoVersion === undefined) throw errors.writeOnlyVersionMissing(path);
  const version = p.registerTokenWoVersion;
  if (!Token.isUnresolved(version) && (!Number.isSafeInteger(version) || version < 0)) throw errors.writeOnlyVersionInvalid(path, version);
}

/**
 * On CDK Terrain, write-only attributes are a provider-protocol feature gated on the project's
 * `targetVersions`: say that this element uses one, so cdktn checks the targets allow it (cdktf 0.21
 * has no such check, and nothing to call).
 */
export function noteWriteOnlyUsage(element: TerraformElement, used: boolean): void {
  const register = (element as unknown as { registerProviderFeatureUsage?: (feature: string) => void }).registerProviderFeatureUsage;
  if (used && typeof register === 'function') register.call(element, 'writeOnlyAttributes');
}
