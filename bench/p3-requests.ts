/**
 * P3: HTTP requests the emulator receives during one `terraform plan` (refresh) of N existing
 * tokens, divided by the provider processes Terraform started for that plan (counted by the
 * counting launcher). Goal: at most 2 per process, whatever N.
 */
import type { RunningEmulator } from '../lib/emulator';
import type { TerraformWorkdir } from '../lib/testing/terraform';
import type { BenchOptions } from './lib/env';
import { type Figure, unmeasured } from './lib/figure';
import { max, median } from './lib/stats';
import { ProviderWatch, mlpDir } from './lib/tf';

const TITLE = 'API requests per provider process in one `terraform plan` (refresh)';
const GOAL = '<= 2, flat in N';
const LIMIT = 2;

export async function p3(options: BenchOptions, emulator: RunningEmulator): Promise<Figure> {
  const sizes = options.p3Sizes;
  const runs = options.tfRuns;
  const method = `\`terraform plan -var n=N -detailed-exitcode\` after an untimed apply of N tokens; emulator counters() summed over routes (reset before each plan) / provider processes started in that plan; ${runs} plans per N, median of the per-plan ratio`;
  let tf: TerraformWorkdir;
  try {
    tf = await mlpDir('p3-mlp', emulator);
  } catch (error) {
    return unmeasured('P3', TITLE, GOAL, method, error);
  }
  const watch = new ProviderWatch('p3');
  const perN: Array<{ n: number; ratios: number[]; requests: number[]; processes: number[]; routes: string; changes: number }> = [];
  let lastN = 0;
  try {
    for (const n of sizes) {
      await tf.apply(['-var', `n=${n}`, '-parallelism=10']);
      lastN = n;
      const row = { n, ratios: [] as number[], requests: [] as number[], processes: [] as number[], routes: '', changes: 0 };
      for (let i = 0; i < runs; i++) {
        emulator.resetCounters();
        watch.start(50);
        let r: Awaited<ReturnType<TerraformWorkdir['plan']>>;
        try {
          r = await tf.plan(['-var', `n=${n}`, '-parallelism=10'], { env: watch.env() });
        } finally {
          watch.stop();
        }
        const { processes } = watch.stop();
        const counters = emulator.counters();
        const requests = Object.values(counters).reduce((a, b) => a + b, 0);
        if (r.code === 2) row.changes++;
        if (processes === 0) throw new Error('the plan started no provider process through the counting launcher');
        row.requests.push(requests);
        row.processes.push(processes);
        row.ratios.push(requests / processes);
        row.routes = Object.entries(counters)
          .filter(([, v]) => v > 0)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ');
      }
      perN.push(row);
    }
  } catch (error) {
    return unmeasured('P3', TITLE, GOAL, method, error, lines(perN));
  } finally {
    if (lastN > 0) await tf.destroy(['-var', `n=${lastN}`, '-parallelism=10'], { check: false });
  }
  const medians = perN.map((r) => median(r.ratios));
  const worst = max(medians);
  return {
    id: 'P3',
    title: TITLE,
    goal: GOAL,
    value: perN.map((r, i) => `N=${r.n}: ${medians[i]!.toFixed(2)}`).join(', '),
    pass: worst <= LIMIT,
    details: lines(perN),
    method,
  };
}

function lines(
  perN: ReadonlyArray<{ n: number; ratios: number[]; requests: number[]; processes: number[]; routes: string; changes: number }>,
): string[] {
  return perN.map(
    (r) =>
      `N=${r.n}: requests per plan ${median(r.requests)}, provider processes per plan ${median(r.processes)}, ratio ${median(r.ratios).toFixed(2)} (per plan: ${r.ratios.map((x) => x.toFixed(2)).join(', ')}); routes in the last plan: ${r.routes || 'none'}` +
      (r.changes ? `; WARNING: ${r.changes} of ${r.ratios.length} plans showed changes right after apply` : ''),
  );
}
