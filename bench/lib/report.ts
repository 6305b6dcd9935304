/** The printed table and bench/RESULTS.md. */
import * as fs from 'node:fs';
import type { Machine } from './env';
import type { Figure } from './figure';

/** Hand-written sections carried over from the previous RESULTS.md, by heading. */
export const KEPT_SECTIONS = [
  'Goals missed: the measured reason and what would close it',
  'What we tried and what each step gained',
] as const;

const PLACEHOLDER: Record<(typeof KEPT_SECTIONS)[number], string> = {
  'Goals missed: the measured reason and what would close it': '_Nothing written yet._\n',
  'What we tried and what each step gained':
    '_Nothing tried yet: each optimisation step adds a line here with the figures before and after._\n',
};

function verdict(f: Figure): string {
  return f.pass === undefined ? (f.error ? 'not measured' : 'n/a') : f.pass ? 'pass' : 'MISS';
}

export function table(figures: readonly Figure[]): string {
  const rows = figures.map((f) => [f.id, f.title, f.goal, f.value, verdict(f)]);
  const head = ['', 'Figure', 'Goal', 'Measured', ''];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

function keptSections(file: string): Map<string, string> {
  const kept = new Map<string, string>();
  if (!fs.existsSync(file)) return kept;
  const text = fs.readFileSync(file, 'utf8');
  for (const heading of KEPT_SECTIONS) {
    const start = text.indexOf(`\n## ${heading}\n`);
    if (start < 0) continue;
    const bodyStart = start + heading.length + 5;
    const next = text.indexOf('\n## ', bodyStart);
    kept.set(
      heading,
      text
        .slice(bodyStart, next < 0 ? undefined : next + 1)
        .replace(/^\n+/, '')
        .replace(/\n*$/, '\n'),
    );
  }
  return kept;
}

export interface ReportInput {
  readonly machine: Machine;
  readonly figures: readonly Figure[];
  readonly argv: readonly string[];
  readonly quick: boolean;
  readonly elapsedMs: number;
  readonly notes: readonly string[];
}

export function writeResults(file: string, input: ReportInput): void {
  const kept = keptSections(file);
  const m = input.machine;
  const args = input.argv.length ? ` -- ${input.argv.join(' ')}` : '';
  const out: string[] = [
    '# Benchmarks',
    '',
    `Written by \`npm run bench${args}\` on ${m.date.slice(0, 10)} (${m.date}); the whole run took ${(input.elapsedMs / 1000).toFixed(0)} s.`,
  ];
  if (input.quick) out.push('', '**Quick run** (`--quick`: fewer runs, smaller N): for development only, not the figures of record.');
  out.push(
    '',
    '## Machine',
    '',
    '| | |',
    '|---|---|',
    `| CPU | ${m.cpu} |`,
    `| Cores | ${m.cores} |`,
    `| Memory | ${m.memory} |`,
    `| OS | ${m.os} |`,
    `| Node | ${m.node} |`,
    `| Terraform | ${m.terraform} |`,
    `| Load average at start | ${m.load} |`,
    '',
    "Other work may share the machine; that is why each ratio's two sides run side by side, interleaved, in the same run.",
    '',
    '## Results',
    '',
    table(input.figures),
    '',
    'A ratio is the median of our side over the median of the baseline side. Every figure is a median of at least 5 runs, except P6/P7 (1,000 tokens: 3 rounds, P6 with 2 plans per side per round) and P9 (one instrumented plan; medians over its 1,000 calls per method); `--quick`: fewer.',
    '',
    '## Commands and details',
    '',
    `Run with \`npm run bench\` (= \`npm run build --silent && node dist/bench/run.js\`); \`npm run bench -- --quick\` for a short run (writes this file only with \`--write\`), \`-- --only=P1,P4\` for some figures, \`-- --runs=N\` to set the runs per side, \`-- --no-write\` to leave this file alone. The run works in bench/.work (git-ignored): a private copy of the built provider, the Terraform working dirs, the provider's code cache (\`XDG_CACHE_HOME\` points there, so each run starts cold and warms it in an untimed round).`,
    '',
  );
  for (const f of input.figures) {
    out.push(`### ${f.id}: ${f.title}`, '', `Goal ${f.goal}; measured ${f.value}: **${verdict(f)}**.`, '', `How: ${f.method}.`, '');
    if (f.error) out.push(`Not measured: ${f.error}`, '');
    for (const d of f.details) out.push(`- ${d}`);
    if (f.details.length) out.push('');
  }
  if (input.notes.length) {
    out.push('### Notes from this run', '');
    for (const n of input.notes) out.push(`- ${n}`);
    out.push('');
  }
  for (const heading of KEPT_SECTIONS) {
    out.push(`## ${heading}`, '', (kept.get(heading) ?? PLACEHOLDER[heading]).trimEnd(), '');
  }
  fs.writeFileSync(file, out.join('\n'));
}
