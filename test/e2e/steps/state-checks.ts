/**
 * State checks for {@link runSteps}, after terraform-plugin-testing's `statecheck` package: each reads
 * the state as `terraform show -json` gives it, after a step, and throws an `Error` naming the
 * resource and attribute. The state holds token values, so a failure never prints an attribute the
 * state marks sensitive (`sensitive_values`): it says that it differs, not what it is.
 */
import { inspect } from 'node:util';
import { markedAt, valueAt } from './plan-checks';

/** The parts of `terraform show -json` (a state) the checks read. */
export interface StateJson {
  readonly values?: { readonly root_module?: { readonly resources?: readonly StateResource[] } };
}

/** One resource instance in {@link StateJson}. */
export interface StateResource {
  readonly address: string;
  readonly values: Record<string, unknown>;
  /** The values' shape with `true` where an attribute is sensitive. */
  readonly sensitive_values?: unknown;
}

/** One assertion about the state after a step; throws when it does not hold. */
export interface StateCheck {
  readonly description: string;
  check(state: StateJson): void;
}

/** The resources of a state (root module). */
export function resourcesOf(state: StateJson): readonly StateResource[] {
  return state.values?.root_module?.resources ?? [];
}

function resourceIn(state: StateJson, address: string): StateResource {
  const resource = resourcesOf(state).find((r) => r.address === address);
  if (!resource) {
    const known =
      resourcesOf(state)
        .map((r) => r.address)
        .join(', ') || 'none';
    throw new Error(`${address} is not in the state (it has: ${known})`);
  }
  return resource;
}

/**
 * `address` has, at `path` (`name`, `retired_tokens.0.name`), a value equal to `expected` in Jest's
 * sense (`toEqual`: asymmetric matchers such as `expect.any(String)` work) (`statecheck.ExpectKnownValue`).
 */
export function expectKnownValue(address: string, path: string, expected: unknown): StateCheck {
  return {
    description: `${address}.${path} is ${inspect(expected)}`,
    check(state) {
      const resource = resourceIn(state, address);
      const actual = valueAt(resource.values, path);
      try {
        expect(actual).toEqual(expected);
      } catch {
        const shown = markedAt(resource.sensitive_values, path) ? '(sensitive, not shown)' : inspect(actual, { depth: 5 });
        throw new Error(`${address}.${path}: expected ${inspect(expected, { depth: 5 })}, got ${shown}`);
      }
    },
  };
}

/** One {@link expectKnownValue} per attribute of `expected`. */
export function expectKnownValues(address: string, expected: Readonly<Record<string, unknown>>): StateCheck[] {
  return Object.entries(expected).map(([path, value]) => expectKnownValue(address, path, value));
}

/** The state marks `address`'s `path` sensitive (`statecheck.ExpectSensitiveValue`). */
export function expectSensitiveValue(address: string, path: string): StateCheck {
  return {
    description: `${address}.${path} is sensitive`,
    check(state) {
      if (!markedAt(resourceIn(state, address).sensitive_values, path))
        throw new Error(`${address}.${path}: expected sensitive, it is not`);
    },
  };
}

/** `address` is not in the state (after a destroy, a `removed` block, an expected error). */
export function expectNoResource(address: string): StateCheck {
  return {
    description: `${address} is not in the state`,
    check(state) {
      if (resourcesOf(state).some((r) => r.address === address)) throw new Error(`${address}: expected not in the state, it is`);
    },
  };
}

/**
 * For `importStateVerify`: the top-level attributes in which `imported` differs from `before`, except
 * those in `ignore`, one line each. A line shows the two values only when neither side marks them
 * sensitive.
 */
export function importDifferences(before: StateResource, imported: StateResource, ignore: readonly string[]): string[] {
  const keys = [...new Set([...Object.keys(before.values), ...Object.keys(imported.values)])].sort();
  return keys
    .filter((key) => !ignore.includes(key))
    .filter((key) => JSON.stringify(before.values[key] ?? null) !== JSON.stringify(imported.values[key] ?? null))
    .map((key) => {
      const sensitive = markedAt(before.sensitive_values, key) || markedAt(imported.sensitive_values, key);
      return sensitive
        ? `${key}: differs (sensitive, not shown)`
        : `${key}: ${inspect(before.values[key], { depth: 5 })} before, ${inspect(imported.values[key], { depth: 5 })} imported`;
    });
}
