/** Terraform working directories for the benchmarks, and the provider-process watcher. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROVIDER_SOURCE, PROVIDER_VERSION } from '../../lib/constants';
import { installProvider } from '../../lib/install/mirror';
import { TerraformWorkdir } from '../../lib/testing/terraform';
import { LAUNCHER, WORK } from './env';
import { peakRssKiB } from './proc';

/**
 * A launcher in front of the real one that appends its pid to `$MLP_BENCH_PIDS`, then `exec`s the
 * real launcher (which `exec`s node), so the pid written is the provider's own node process. It
 * costs one extra `sh` exec per provider process (about a millisecond).
 */
export function countingLauncher(): string {
  const file = path.join(WORK, 'launcher', 'terraform-provider-mlp-counting');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(
      file,
      `#!/bin/sh\n[ -n "$MLP_BENCH_PIDS" ] && echo "$$" >> "$MLP_BENCH_PIDS"\nexec ${JSON.stringify(LAUNCHER)} "$@"\n`,
      { mode: 0o755 },
    );
  }
  return file;
}

export interface Endpoint {
  readonly url: string;
  readonly adminToken: string;
}

const CLI_CONFIG = (): string => {
  const file = path.join(WORK, 'terraformrc.empty');
  if (!fs.existsSync(file)) fs.writeFileSync(file, '');
  return file;
};

/** A working dir with `count = var.n` `mlp_access_token`s, the provider in its implied mirror, initialised. */
export async function mlpDir(name: string, endpoint: Endpoint): Promise<TerraformWorkdir> {
  const dir = writeConfig(
    name,
    `terraform {
  required_providers {
    mlp = {
      source  = "${PROVIDER_SOURCE}"
      version = "${PROVIDER_VERSION}"
    }
  }
}

resource "mlp_access_token" "t" {
  count = var.n
  name  = "bench-${name}-\${count.index}"
  role  = "user"
  ttl   = "720h"
}
`,
  );
  installProvider(dir, { launcher: countingLauncher() });
  return init(dir, endpoint);
}

/** The same setup with `count = var.n` built-in `terraform_data` resources (no provider to install). */
export async function dataDir(name: string, endpoint: Endpoint): Promise<TerraformWorkdir> {
  const dir = writeConfig(
    name,
    `resource "terraform_data" "t" {
  count = var.n
  input = "bench-${name}-\${count.index}"
}
`,
  );
  return init(dir, endpoint);
}

/**
 * `count = var.n` built-in `terraform_data` whose `input` has the shape of an `mlp_access_token`'s
 * state (its 14 attributes, `value` and `register_token` sensitive): how much of Terraform's own
 * work comes from the size and marks of the values rather than from talking to a provider. Its
 * `output` repeats `input`, so Terraform holds the value twice per instance (an upper bound).
 */
export async function shapedDataDir(name: string, endpoint: Endpoint): Promise<TerraformWorkdir> {
  const dir = writeConfig(
    name,
    `resource "terraform_data" "t" {
  count = var.n
  input = {
    created_at            = "2026-12-01T08:00:00Z"
    early_rotation_window = null
    expires_at            = "2027-01-01T08:00:00Z"
    id                    = "tok-\${count.index}-0123456789abcdef"
    issuer_name           = "bench-admin"
    name                  = "bench-${name}-\${count.index}"
    name_prefix           = null
    register_token        = sensitive(null)
    role                  = "user"
    rotate_after          = null
    rotate_at             = null
    rotation_triggers     = null
    ttl                   = "720h"
    value                 = sensitive("a-value-of-about-the-length-of-a-token-\${count.index}")
  }
}
`,
  );
  return init(dir, endpoint);
}

/** A working dir under bench/.work with `main.tf`: the `n` variable every figure sets, then `config`. */
function writeConfig(name: string, config: string): string {
  const dir = path.join(WORK, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'main.tf'), `variable "n" {\n  type    = number\n  default = 0\n}\n\n${config}`);
  return dir;
}

async function init(dir: string, endpoint: Endpoint): Promise<TerraformWorkdir> {
  const tf = new TerraformWorkdir(dir, {
    cliConfigFile: CLI_CONFIG(),
    env: { MLP_ENDPOINT: endpoint.url, MLP_TOKEN: endpoint.adminToken },
  });
  await tf.init();
  return tf;
}

/**
 * Watches provider processes started through the counting launcher: counts them and samples each
 * one's VmHWM (peak RSS) from /proc every few milliseconds while it lives. A process that starts and
 * exits between two samples is counted but has no RSS figure.
 */
export class ProviderWatch {
  readonly pidFile: string;
  private readonly peaks = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(name: string) {
    this.pidFile = path.join(WORK, `${name}.pids`);
  }

  /** Environment for the Terraform run. */
  env(): Record<string, string> {
    return { MLP_BENCH_PIDS: this.pidFile };
  }

  start(intervalMs = 10): void {
    fs.writeFileSync(this.pidFile, '');
    this.peaks.clear();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  stop(): { processes: number; peakKiB: number | undefined; sampled: number } {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.sample();
    const pids = this.pids();
    const peaks = [...this.peaks.values()];
    return { processes: pids.length, peakKiB: peaks.length ? Math.max(...peaks) : undefined, sampled: peaks.length };
  }

  private pids(): number[] {
    try {
      return fs.readFileSync(this.pidFile, 'utf8').split('\n').filter(Boolean).map(Number);
    } catch {
      return [];
    }
  }

  private sample(): void {
    for (const pid of this.pids()) {
      const kib = peakRssKiB(pid);
      if (kib !== undefined) this.peaks.set(pid, Math.max(kib, this.peaks.get(pid) ?? 0));
    }
  }
}
