/** What one benchmark figure reports, measured or not. */
export type FigureId = 'P1' | 'P2' | 'P3' | 'P4' | 'P5' | 'P6' | 'P7' | 'P8' | 'P9';

export interface Figure {
  readonly id: FigureId;
  readonly title: string;
  /** The goal as people read it, e.g. "<= 1.5x". */
  readonly goal: string;
  /** The headline value, as printed ("1.83x"); "not measured" when `error` is set. */
  readonly value: string;
  /** undefined: could not be judged (not measured). */
  readonly pass: boolean | undefined;
  /** Why the figure could not be measured. */
  readonly error?: string;
  /** Lines for RESULTS.md: the two sides, spreads, breakdowns. */
  readonly details: readonly string[];
  /** The commands and settings behind the figure. */
  readonly method: string;
}

export function unmeasured(
  id: FigureId,
  title: string,
  goal: string,
  method: string,
  error: unknown,
  details: readonly string[] = [],
): Figure {
  const message = error instanceof Error ? error.message : String(error);
  return { id, title, goal, value: 'not measured', pass: undefined, error: firstLines(message, 6), details, method };
}

function firstLines(text: string, n: number): string {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  return lines.slice(0, n).join(' / ') + (lines.length > n ? ' / ...' : '');
}
