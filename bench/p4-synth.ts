/**
 * P4: synth of N `MlpAccessToken`s against N bare `TerraformResource`s of the same shape (same type
 * name, same three attributes, a provider block), each `app.synth()` to a fresh temp dir, in this
 * process, alternating sides. Construction is timed with synthesis: it is what a user waits for.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, TerraformOutput, TerraformProvider, TerraformResource, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { ACCESS_TOKEN_RESOURCE, PROVIDER_SOURCE, PROVIDER_TYPE, PROVIDER_VERSION } from '../lib/constants';
import { MlpAccessToken, MlpProvider } from '../lib/constructs';
import { WORK, type BenchOptions } from './lib/env';
import type { Figure } from './lib/figure';
import { median, ms, nowMs, ratio, spread } from './lib/stats';

const TITLE = 'Synth of MlpAccessToken vs bare TerraformResource';
const GOAL = '<= 1.2x';
const LIMIT = 1.2;
const META = { providerName: PROVIDER_TYPE, providerVersion: PROVIDER_VERSION };

class BareProvider extends TerraformProvider {
  constructor(scope: Construct, id: string) {
    super(scope, id, { terraformResourceType: PROVIDER_TYPE, terraformGeneratorMetadata: META, terraformProviderSource: PROVIDER_SOURCE });
  }
}

class BareToken extends TerraformResource {
  constructor(
    scope: Construct,
    id: string,
    private readonly attrs: Record<string, string>,
  ) {
    super(scope, id, { terraformResourceType: ACCESS_TOKEN_RESOURCE, terraformGeneratorMetadata: META });
  }
  protected override synthesizeAttributes(): Record<string, unknown> {
    return { ...this.attrs };
  }
}

type Side = 'mlp' | 'mlp+outputs' | 'bare' | 'bare+outputs';

let serial = 0;
function synthOnce(side: Side, count: number): number {
  const outdir = path.join(WORK, 'p4', `${side.replace('+', '-')}-${serial++}`);
  fs.mkdirSync(path.dirname(outdir), { recursive: true });
  const start = nowMs();
  const app = new App({ outdir, skipValidation: false });
  const stack = new TerraformStack(app, 'bench');
  const bare = side.startsWith('bare');
  if (bare) new BareProvider(stack, 'mlp');
  else new MlpProvider(stack, 'mlp');
  for (let i = 0; i < count; i++) {
    const attrs = { name: `bench-${i}`, role: 'user', ttl: '720h' };
    if (bare) {
      const t = new BareToken(stack, `t${i}`, attrs);
      if (side === 'bare+outputs') new TerraformOutput(stack, `t${i}_value`, { value: t.getStringAttribute('value'), sensitive: true });
    } else new MlpAccessToken(stack, `t${i}`, { ...attrs, role: 'user', output: side === 'mlp' ? false : undefined });
  }
  app.synth();
  const elapsed = nowMs() - start;
  const json = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'bench', 'cdk.tf.json'), 'utf8')) as {
    resource?: Record<string, Record<string, unknown>>;
  };
  const n = Object.keys(json.resource?.[ACCESS_TOKEN_RESOURCE] ?? {}).length;
  if (n !== count) throw new Error(`${side}: synthesized ${n} resources, expected ${count}`);
  fs.rmSync(outdir, { recursive: true, force: true });
  return elapsed;
}

export function p4(options: BenchOptions): Figure {
  const n = options.p4Count;
  const sides: Side[] = ['mlp', 'bare', 'mlp+outputs', 'bare+outputs'];
  const times: Record<Side, number[]> = { mlp: [], bare: [], 'mlp+outputs': [], 'bare+outputs': [] };
  // Two untimed rounds: JIT and module loading would otherwise land on whichever side goes first.
  for (let w = 0; w < 2; w++) for (const s of sides) synthOnce(s, n);
  for (let i = 0; i < options.fastRuns; i++) {
    for (let j = 0; j < sides.length; j++) {
      const s = sides[(i + j) % sides.length]!;
      times[s].push(synthOnce(s, n));
    }
  }
  const value = median(times.mlp) / median(times.bare);
  return {
    id: 'P4',
    title: `${TITLE} (${n})`,
    goal: GOAL,
    value: `${ratio(value)} (${ms(median(times.mlp))} / ${ms(median(times.bare))})`,
    pass: value <= LIMIT,
    details: [
      `${n} MlpAccessToken (output: false) + MlpProvider: ${spread(times.mlp)}`,
      `${n} bare TerraformResource (same type and attributes) + bare TerraformProvider: ${spread(times.bare)}`,
      `not in the figure: ${n} MlpAccessToken with their default sensitive outputs: ${spread(times['mlp+outputs'])} (${ratio(median(times['mlp+outputs']) / median(times.bare))} of bare; the bare side has no outputs)`,
      `not in the figure: ${n} bare TerraformResource each with a plain sensitive TerraformOutput of its \`value\` attribute: ${spread(times['bare+outputs'])} (mlp with default outputs is ${ratio(median(times['mlp+outputs']) / median(times['bare+outputs']))} of this)`,
    ],
    method: `in-process \`new App({outdir})\` + construction + \`app.synth()\` to a fresh dir (MlpProvider lays out its mirror there), ${options.fastRuns} alternating runs per side after 2 warm-up rounds, medians`,
  };
}
