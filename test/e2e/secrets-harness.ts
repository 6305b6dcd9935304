/**
 * What the secrets-out-of-state scenarios need beyond the e2e harness: every secret the API handed
 * out during a run (recorded by a loopback proxy in front of the emulator, since an ephemeral token's
 * value is by design kept nowhere a test could read it back), and the texts that usually may hold a
 * value but here must not: the state file, the saved plan file (unzipped), `terraform show -json`.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { E2EWorkdir } from './harness';
import { planFileEntries } from './support/plan-file';

/** JSON fields of API answers that carry a secret (access token values, registration tokens, bearers). */
const SECRET_FIELDS = ['refresh_token', 'register_token', 'access_token'] as const;

export interface RecordingProxy {
  /** `http://127.0.0.1:PORT`, to use as the endpoint. */
  readonly url: string;
  /** Every secret value the API answered with so far. */
  secrets(): string[];
  close(): Promise<void>;
}

/** A reverse proxy on 127.0.0.1 that forwards everything to `target` and notes the secrets in its answers. */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const seen = new Set<string>();
  const server = http.createServer((req, res) => {
    const body: Buffer[] = [];
    req.on('data', (b: Buffer) => body.push(b));
    req.on('end', () => {
      const forward = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
        },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (b: Buffer) => chunks.push(b));
          answer.on('end', () => {
            const text = Buffer.concat(chunks);
            noteSecrets(text.toString('utf8'), seen);
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.end(text);
          });
        },
      );
      forward.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      forward.end(Buffer.concat(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    secrets: () => [...seen],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function noteSecrets(text: string, into: Set<string>): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return;
  }
  if (!parsed || typeof parsed !== 'object') return;
  for (const field of SECRET_FIELDS) {
    const v = (parsed as Record<string, unknown>)[field];
    if (typeof v === 'string' && v.length >= 8) into.add(v);
  }
}

/** An age key pair made by Debian's `age-keygen`, in `dir`. */
export function ageKeyPair(dir: string, name: string): { identityFile: string; recipient: string } {
  const identityFile = path.join(dir, `${name}.key`);
  const made = spawnSync('age-keygen', ['-o', identityFile], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`age-keygen failed: ${made.stderr}`);
  const recipient = spawnSync('age-keygen', ['-y', identityFile], { encoding: 'utf8' }).stdout.trim();
  return { identityFile, recipient };
}

/** Decrypts ASCII-armored age ciphertext with Debian's `age` CLI (an implementation independent of ours). */
export function ageDecrypt(armored: string, identityFile: string): string {
  const result = spawnSync('age', ['-d', '-i', identityFile], { input: armored, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`age -d failed: ${result.stderr}`);
  return result.stdout;
}

/** The saved plan file's contents (every entry of the zip, concatenated). */
export function planFileText(planFile: string): string {
  const text = Buffer.concat([...planFileEntries(planFile).values()]).toString('latin1');
  if (text.length === 0) throw new Error(`${planFile} unzipped to nothing`);
  return text;
}

/**
 * The texts that ordinarily hold values but must not in these scenarios: the state file, the raw
 * `show -json` and, when given, the saved plan file, by label.
 */
export async function storedTexts(w: E2EWorkdir, planFile?: string): Promise<Record<string, string>> {
  const texts: Record<string, string> = {};
  const stateFile = path.join(w.dir, 'terraform.tfstate');
  if (fs.existsSync(stateFile)) texts['state file'] = fs.readFileSync(stateFile, 'utf8');
  texts['show -json'] = (await w.run(['show', '-json'])).stdout;
  if (planFile) {
    texts['plan file (unzipped)'] = planFileText(planFile);
    texts['show -json of the plan file'] = (await w.run(['show', '-json', planFile])).stdout;
  }
  return texts;
}

/** Adds {@link storedTexts} to the directory's secret search. */
export async function addStoredTexts(w: E2EWorkdir, planFile?: string): Promise<void> {
  for (const [label, text] of Object.entries(await storedTexts(w, planFile))) w.addText(label, text);
}
