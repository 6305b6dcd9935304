/**
 * A step harness for e2e scenarios, after terraform-plugin-testing's `resource.Test`: a case is a list
 * of steps run in order in one working directory against the emulator, then a destroy and a destroy
 * check. What each kind of step does:
 *
 * - a **config** step (the default): writes its configuration (or keeps the last one), plans to a
 *   file (`planChecks.preApply`), applies that plan, checks the state (`stateChecks`, `check`), then
 *   plans again, which must be empty (`planChecks.postApplyPostRefresh`; `postApplyPreRefresh` adds a
 *   `-refresh=false` plan before it): an apply that leaves a diff is a bug, as there. `expectNonEmptyPlan`
 *   turns that around: the plan after apply must then have changes.
 * - `planOnly`: one plan (`planChecks.preApply`), which must be empty unless `expectNonEmptyPlan`.
 * - `expectError`: the step must fail, at plan or at apply, with text matching it and no sign of a
 *   crash; a plan that fails is followed by an apply, which must fail too (nothing changes).
 * - `importState`: `terraform import`s the address (moved out of the state first when it is in it);
 *   `importStateVerify` compares the imported attributes with the ones before, but `importStateVerifyIgnore`.
 * - `refreshState`: `apply -refresh-only`, then as a config step from the state checks on.
 *
 * Where it differs from terraform-plugin-testing: a config step makes one refreshing plan after the
 * apply (theirs plans, refreshes and plans again), an import step ends with that plan too, and a
 * step's plan is the one it applies (a saved plan), so the checks see exactly what was applied.
 *
 * After every step the state is read: its token values join the case's secrets. At the end the
 * harness destroys (even when a step failed), checks that the state is empty, runs `checkDestroy`
 * (by default: no token the case created is left in the emulator), and ends with
 * {@link E2EWorkdir.assertNoSecrets} over everything the directory printed. Plan checks read
 * `terraform show -json` of the saved plan and state checks `terraform show -json`; both reveal
 * values by design, so neither is traced nor searched, and no check prints a sensitive value.
 */
import * as path from 'node:path';
import type { RunningEmulator } from '../../../lib/emulator';
import type { TerraformResult } from '../../../lib/testing/terraform';
import { type E2EWorkdir, crashSigns, projectTokenNames } from '../harness';
import { type PlanCheck, type PlanJson, textMatches } from './plan-checks';
import { type StateCheck, type StateJson, type StateResource, importDifferences, resourcesOf } from './state-checks';

/** What a step's hooks and `check` are given. */
export interface StepContext {
  readonly workdir: E2EWorkdir;
  readonly emulator: RunningEmulator;
  /** The step's number, from 1. */
  readonly step: number;
}

/** What `check` is given after a step: the state, and what the step printed. */
export interface StepResult extends StepContext {
  /** The state after the step (values included: never print it). */
  readonly state: StateJson;
  /** One resource's values in {@link state}; throws when it is not there. */
  resource(address: string): Record<string, unknown>;
  /** What the step's plan printed ('' for an import or a refresh). */
  readonly planText: string;
  /** The step's saved plan (it holds values, as Terraform writes them), when its plan succeeded. */
  readonly planFile: string | undefined;
  /** What the step's apply, import or refresh printed, or the failure's text for `expectError`. */
  readonly output: string;
}

/** The plan checks of a step, by when they run (terraform-plugin-testing's `ConfigPlanChecks`). */
export interface StepPlanChecks {
  /** On the plan the step applies (or, `planOnly`, its one plan). */
  readonly preApply?: readonly PlanCheck[];
  /** On a `-refresh=false` plan right after the apply (run only when given). */
  readonly postApplyPreRefresh?: readonly PlanCheck[];
  /** On the plan after the apply (or the import, or the refresh). */
  readonly postApplyPostRefresh?: readonly PlanCheck[];
}

/** What the step imports. */
export interface ImportSpec {
  readonly address: string;
  /** The import ID (for our resources, the token's name). */
  readonly id: string;
}

/** One step of a {@link StepCase}. */
export interface Step {
  /** What the step does, for failure messages. @default - its number */
  readonly name?: string;
  /** The configuration (as {@link E2EWorkdir.writeConfig} takes it). @default - the previous step's */
  readonly config?: Record<string, unknown>;
  /** Runs before the configuration is written: move the emulator's clock, change the API behind Terraform's back. */
  readonly preConfig?: (context: StepContext) => void | Promise<unknown>;
  /** Extra environment for the step's commands (TF_VAR_..., MLP_TOKEN). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Extra arguments for the step's first plan (`-refresh=false`). */
  readonly planArgs?: readonly string[];
  readonly planOnly?: boolean;
  /** The plan after this step's apply must have changes (instead of none); `planOnly`: its plan must. */
  readonly expectNonEmptyPlan?: boolean;
  readonly planChecks?: StepPlanChecks;
  /** Run on the state after the step. */
  readonly stateChecks?: readonly StateCheck[];
  /** Each must match what the apply (import, refresh) printed, as printed or folded to one line. */
  readonly expectOutput?: readonly RegExp[];
  /** None may match what the apply (import, refresh) printed. */
  readonly expectNoOutput?: readonly RegExp[];
  /** The step must fail with text matching this. */
  readonly expectError?: RegExp;
  readonly importState?: ImportSpec;
  readonly importStateVerify?: boolean;
  /** Attributes `importStateVerify` does not compare (ones an import cannot know: `value`). */
  readonly importStateVerifyIgnore?: readonly string[];
  readonly refreshState?: boolean;
  /** Any other assertion, after the step: the emulator's own state, a token that works. */
  readonly check?: (result: StepResult) => void | Promise<unknown>;
}

/** What the end of a case is given. */
export interface DestroyContext {
  readonly workdir: E2EWorkdir;
  readonly emulator: RunningEmulator;
  /** What the destroy printed ('' when the state was empty, so nothing was destroyed). */
  readonly output: string;
  /** The emulator's token names (but its admin's) before the first step. */
  readonly tokensBefore: ReadonlySet<string>;
}

/** A scenario for {@link runSteps} (terraform-plugin-testing's `TestCase`). */
export interface StepCase {
  readonly steps: readonly Step[];
  /** How the case ends. @default - `terraform destroy` with the directory's own environment */
  readonly destroy?: { readonly env?: Readonly<Record<string, string | undefined>> } | false;
  /**
   * Checks after the destroy, which always leaves an empty state (terraform-plugin-testing's `CheckDestroy`).
   * @default - {@link checkNoTokenLeft}: no token the case created is left in the emulator
   */
  readonly checkDestroy?: (context: DestroyContext) => void | Promise<unknown>;
  /**
   * Where the case collects its secrets (the emulator's admin token, every token value a state held),
   * to share them with other directories' searches. @default - a set of its own
   */
  readonly secrets?: Set<string>;
  /** More values the final search looks for (values the scenario got elsewhere), read at the end. */
  readonly extraSecrets?: () => Iterable<string | null | undefined>;
}

/** Thrown when a step fails: names the step and what failed. */
export class StepFailure extends Error {
  public readonly code = 'step-failed';
  constructor(
    public readonly step: number,
    public readonly stepName: string | undefined,
    what: string,
  ) {
    super(`step ${step}${stepName ? ` (${stepName})` : ''}: ${what}`);
    this.name = 'StepFailure';
  }
}

/** Runs a case's steps in `workdir` against `emulator`, then destroys; resolves with the secrets it collected. */
export async function runSteps(workdir: E2EWorkdir, emulator: RunningEmulator, testCase: StepCase): Promise<Set<string>> {
  const secrets = testCase.secrets ?? new Set<string>();
  secrets.add(emulator.adminToken);
  const tokensBefore = new Set(projectTokenNames(emulator));
  const runner = new StepRunner(workdir, emulator, secrets);
  let failure: unknown;
  try {
    for (const [i, step] of testCase.steps.entries()) {
      try {
        await runner.run(step, i + 1);
      } catch (error) {
        throw error instanceof StepFailure
          ? error
          : new StepFailure(i + 1, step.name, error instanceof Error ? error.message : String(error));
      }
    }
  } catch (error) {
    failure = error;
  }
  if (failure !== undefined) {
    // A failed case still removes what it made, as terraform-plugin-testing does; its failure wins.
    if (testCase.destroy !== false && runner.initialised) await destroyWhatIsHeld(workdir, runner, testCase).catch(() => undefined);
    throw failure;
  }
  if (testCase.destroy !== false && runner.initialised) {
    const destroyed = await destroyWhatIsHeld(workdir, runner, testCase);
    const left = resourcesOf(await runner.state()).map((r) => r.address);
    if (left.length > 0) throw new Error(`after destroy the state still holds: ${left.join(', ')}`);
    await (testCase.checkDestroy ?? checkNoTokenLeft)({ workdir, emulator, output: destroyed ? outputOf(destroyed) : '', tokensBefore });
  }
  await workdir.assertNoSecrets([...secrets, ...(testCase.extraSecrets?.() ?? [])]);
  return secrets;
}

/** `terraform destroy`, unless the state is empty (a configuration refused at plan could not even be destroyed). */
async function destroyWhatIsHeld(workdir: E2EWorkdir, runner: StepRunner, testCase: StepCase): Promise<TerraformResult | undefined> {
  if (resourcesOf(await runner.state()).length === 0) return undefined;
  return workdir.destroy([], { env: testCase.destroy === false ? undefined : testCase.destroy?.env });
}

/** The default destroy check: the emulator holds no token that was not there before the case. */
export function checkNoTokenLeft({ emulator, tokensBefore }: DestroyContext): void {
  const created = projectTokenNames(emulator).filter((n) => !tokensBefore.has(n));
  if (created.length > 0) throw new Error(`after destroy the emulator still has tokens the case created: ${created.join(', ')}`);
}

function outputOf(result: TerraformResult): string {
  return `${result.stdout}\n${result.stderr}`;
}

class StepRunner {
  initialised = false;
  #plans = 0;

  constructor(
    private readonly workdir: E2EWorkdir,
    private readonly emulator: RunningEmulator,
    private readonly secrets: Set<string>,
  ) {}

  async run(step: Step, number: number): Promise<void> {
    const context: StepContext = { workdir: this.workdir, emulator: this.emulator, step: number };
    await step.preConfig?.(context);
    if (step.config) this.workdir.writeConfig(step.config);
    if (!this.initialised) {
      await this.workdir.init();
      this.initialised = true;
    }
    if (step.importState) return this.#import(step, context);
    if (step.refreshState) return this.#refresh(step, context);
    return this.#config(step, context);
  }

  async #config(step: Step, context: StepContext): Promise<void> {
    const env = step.env;
    const planned = await this.#plan(step.planArgs ?? [], env);
    if (planned.failed) {
      if (!step.expectError) throw new Error(`the plan failed:\n${planned.text}`);
      this.#expectFailure(step, planned.text, 'plan');
      if (!step.planOnly) {
        // Nothing may change either when applied: the apply plans again and must fail the same way.
        const applied = await this.workdir.apply([], { env, check: false });
        if (applied.code === 0) throw new Error(`the plan failed as expected, but an apply succeeded:\n${outputOf(applied)}`);
        this.#expectFailure(step, outputOf(applied), 'apply');
      }
      return this.#after(step, context, planned, planned.text);
    }
    await this.#planChecks('pre-apply', step.planChecks?.preApply, planned);
    if (step.planOnly) {
      if (step.expectError) throw new Error(`expected an error matching ${step.expectError}, but the plan succeeded`);
      this.#emptiness(step, planned, 'the plan');
      return this.#after(step, context, planned, '');
    }
    const applied = await this.workdir.apply([planned.file], { env, check: false });
    const output = outputOf(applied);
    if (applied.code !== 0) {
      if (!step.expectError) throw new Error(`the apply failed:\n${output}`);
      this.#expectFailure(step, output, 'apply');
      return this.#after(step, context, planned, output);
    }
    if (step.expectError) throw new Error(`expected an error matching ${step.expectError}, but the step applied`);
    await this.#after(step, context, planned, output);
    await this.#plansAfter(step, env);
  }

  async #import(step: Step, context: StepContext): Promise<void> {
    const { address, id } = step.importState!;
    const before = resourcesOf(await this.state()).find((r) => r.address === address);
    if (step.importStateVerify && !before) throw new Error(`importStateVerify needs ${address} in the state before the import`);
    if (before) await this.workdir.run(['state', 'rm', address]);
    const imported = await this.workdir.run(['import', '-input=false', '-no-color', address, id], { env: step.env, check: false });
    const output = outputOf(imported);
    if (imported.code !== 0) {
      if (!step.expectError) throw new Error(`the import failed:\n${output}`);
      this.#expectFailure(step, output, 'import');
      return this.#after(step, context, undefined, output);
    }
    if (step.expectError) throw new Error(`expected an error matching ${step.expectError}, but the import succeeded`);
    if (step.importStateVerify) {
      const after = resourcesOf(await this.state()).find((r) => r.address === address) as StateResource;
      const differences = importDifferences(before!, after, step.importStateVerifyIgnore ?? []);
      if (differences.length > 0)
        throw new Error(`importStateVerify: ${address} imported differs from its state before:\n${differences.join('\n')}`);
    }
    await this.#after(step, context, undefined, output);
    await this.#plansAfter(step, step.env);
  }

  async #refresh(step: Step, context: StepContext): Promise<void> {
    const refreshed = await this.workdir.apply(['-refresh-only'], { env: step.env, check: false });
    const output = outputOf(refreshed);
    if (refreshed.code !== 0) {
      if (!step.expectError) throw new Error(`the refresh failed:\n${output}`);
      this.#expectFailure(step, output, 'refresh');
      return this.#after(step, context, undefined, output);
    }
    if (step.expectError) throw new Error(`expected an error matching ${step.expectError}, but the refresh succeeded`);
    await this.#after(step, context, undefined, output);
    await this.#plansAfter(step, step.env);
  }

  /** The state (with values), its token values added to the case's secrets. */
  async state(): Promise<StateJson> {
    const state = (await this.workdir.state()) as StateJson;
    for (const r of resourcesOf(state)) if (typeof r.values.value === 'string') this.secrets.add(r.values.value);
    return state;
  }

  /** What follows every step: the state read, its checks, the output checks, `check`. */
  async #after(step: Step, context: StepContext, plan: SavedPlan | undefined, output: string): Promise<void> {
    const state = await this.state();
    for (const check of step.stateChecks ?? []) check.check(state);
    for (const pattern of step.expectOutput ?? []) {
      if (!textMatches(output, pattern)) throw new Error(`expected the output to match ${pattern}; it says:\n${output}`);
    }
    for (const pattern of step.expectNoOutput ?? []) {
      if (textMatches(output, pattern)) throw new Error(`expected the output not to match ${pattern}; it says:\n${output}`);
    }
    await step.check?.({
      ...context,
      state,
      planText: plan?.text ?? '',
      planFile: plan && !plan.failed ? plan.file : undefined,
      output,
      resource(address) {
        const found = resourcesOf(state).find((r) => r.address === address);
        if (!found) throw new Error(`${address} is not in the state`);
        return found.values;
      },
    });
  }

  /** The plans after an apply, an import or a refresh: empty, unless the step expects otherwise. */
  async #plansAfter(step: Step, env: Step['env']): Promise<void> {
    if (step.planChecks?.postApplyPreRefresh) {
      const plan = await this.#plan(['-refresh=false'], env);
      if (plan.failed) throw new Error(`the -refresh=false plan after the apply failed:\n${plan.text}`);
      await this.#planChecks('post-apply, pre-refresh', step.planChecks.postApplyPreRefresh, plan);
      this.#emptiness(step, plan, 'the -refresh=false plan after it');
    }
    const plan = await this.#plan([], env);
    if (plan.failed) throw new Error(`the plan after the apply failed:\n${plan.text}`);
    await this.#planChecks('post-apply', step.planChecks?.postApplyPostRefresh, plan);
    this.#emptiness(step, plan, 'the plan after it');
  }

  #emptiness(step: Step, plan: SavedPlan, which: string): void {
    // `-detailed-exitcode` says it (2: changes), for resources and outputs alike.
    if (plan.changes && !step.expectNonEmptyPlan) throw new Error(`${which} is not empty:\n${plan.text}`);
    if (!plan.changes && step.expectNonEmptyPlan) throw new Error(`expected ${which} to have changes, it is empty`);
  }

  #expectFailure(step: Step, text: string, where: string): void {
    if (!textMatches(text, step.expectError!)) throw new Error(`the ${where} failed, but not with ${step.expectError}:\n${text}`);
    const crash = crashSigns(text);
    if (crash.length > 0) throw new Error(`the ${where} failed as expected, but shows ${crash.join(', ')}:\n${text}`);
  }

  async #plan(args: readonly string[], env: Step['env']): Promise<SavedPlan> {
    const file = path.join(this.workdir.dir, '.e2e', `step-plan-${String(++this.#plans).padStart(2, '0')}.tfplan`);
    const result = await this.workdir.run(['plan', '-input=false', '-no-color', '-detailed-exitcode', ...args, `-out=${file}`], {
      env,
      check: false,
    });
    return { file, text: outputOf(result), changes: result.code === 2, failed: result.code !== 0 && result.code !== 2 };
  }

  async #planChecks(phase: string, checks: readonly PlanCheck[] | undefined, plan: SavedPlan): Promise<void> {
    if (!checks || checks.length === 0) return;
    // `show -json` of a saved plan prints its values: not traced, and kept out of the searched transcript.
    const shown = await this.workdir.tf.run(['show', '-json', plan.file]);
    const json = JSON.parse(shown.stdout) as PlanJson;
    const failures: string[] = [];
    for (const check of checks) {
      try {
        check.check({ plan: json, text: plan.text });
      } catch (error) {
        failures.push(`- ${check.description}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (failures.length > 0) throw new Error(`${phase} plan check(s) failed:\n${failures.join('\n')}`);
  }
}

/** A plan saved to a file, with what it printed. */
interface SavedPlan {
  readonly file: string;
  readonly text: string;
  /** `-detailed-exitcode` 2. */
  readonly changes: boolean;
  readonly failed: boolean;
}
