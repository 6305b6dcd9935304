/**
 * The guard against mixing cdktf releases: a construct of ours in a stack of another cdktf.
 */
import { TerraformStack } from 'cdktf';
import type { IConstruct } from 'constructs';
import * as errors from '../errors';

/**
 * A construct must live in a stack of the cdktf that mlp-tokens imports, or of a copy of the same
 * release (cdktn installed both as `cdktn` and as `cdktf`: two folders, one version). A stack of
 * another release (a CDK Terrain project where npm brought cdktf 0.21 in as our peer) synthesizes
 * into a crash deep in cdktf, about a method one side lacks: refuse it here, with the fix.
 */
export function checkSameCdktf(element: IConstruct): void {
  const stack = element.node.scopes.find((scope) => TerraformStack.isStack(scope));
  if (stack === undefined || stack instanceof TerraformStack) return;
  if (methodNames(Object.getPrototypeOf(stack)) !== methodNames(TerraformStack.prototype)) throw errors.foreignCdktf(element.node.path);
}

function methodNames(prototype: object | null): string {
  const names = new Set<string>();
  for (let p = prototype; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
    for (const name of Object.getOwnPropertyNames(p)) names.add(name);
  }
  return [...names].sort().join(',');
}
