/**
 * TSDoc from a schema description: the Terraform attribute names in backticks become the construct
 * prop names (`name_prefix` -> `namePrefix`), since that is what a CDKTF user types, and the default
 * the description states becomes an `@default` tag (`"user"`, `false`, `4`, or `- words`).
 */
import { constructPropOf } from '../../lib/provider/schema';

/** `access_token` -> `AccessToken`. */
export function pascalCase(words: string): string {
  const camel = constructPropOf(words.replace(/-/g, '_'));
  return camel.charAt(0).toUpperCase() + camel.slice(1);
}

/** The description with the given attribute names (backticked) in their prop spelling. */
export function withPropNames(description: string, attributes: ReadonlySet<string>): string {
  return description.replace(/`([a-z][a-z0-9_]*)`/g, (whole, name: string) =>
    attributes.has(name) ? `\`${constructPropOf(name)}\`` : whole,
  );
}

const ENVIRONMENT_VARIABLE = /^[A-Z][A-Z0-9_]*$/;

/**
 * The `@default` a description states, in TSDoc's forms: a literal (`"30s"`, `4`, `false`) when the
 * description names exactly one value, `- words` otherwise (an environment variable, a behaviour).
 * Recognised: "Default: `x`.", "Default `x`;", "(default `x`)", "`x` (default)", "Default: 4." and
 * "Unset: what happens.".
 */
export function defaultOf(description: string, type: unknown): string | undefined {
  const literal = (value: string): string => {
    if (ENVIRONMENT_VARIABLE.test(value)) return `- the \`${value}\` environment variable`;
    return type === 'string' ? JSON.stringify(value) : value;
  };
  const single = /\bdefault:? `([^`]+)`(?=[.;:)]|$)/i.exec(description) ?? /`([^`]+)` \(default\)/.exec(description);
  if (single) return literal(single[1]!);
  const bare = /\bDefault:? (-?\d+(?:\.\d+)?|true|false)(?=[.;]|$)/.exec(description);
  if (bare) return bare[1];
  const prose = /\b(?:Default|Unset):? (.+?)\.(?:\s|$)/.exec(description);
  if (prose) return `- ${prose[1]!.trim()}`;
  return undefined;
}

/** `*\/` cannot appear inside a doc comment. */
function safe(text: string): string {
  return text.replace(/\*\//g, '*\\/');
}

/** Words of `text` in lines of at most `width` characters (a longer word gets a line of its own). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** The longest line a generated comment has (prettier leaves comments as they are). */
const COMMENT_WIDTH = 120;

/** A TSDoc comment of the given paragraphs and tags, indented by `indent`, wrapped as the hand-written ones are. */
export function docComment(indent: string, paragraphs: readonly string[], tags: readonly string[] = []): string {
  const width = COMMENT_WIDTH - indent.length - 3;
  if (tags.length === 0 && paragraphs.length === 1 && paragraphs[0]!.length <= width - 4) return `${indent}/** ${safe(paragraphs[0]!)} */`;
  const blocks = [...paragraphs, ...tags].map((p) => wrap(safe(p), width));
  const lines = blocks.flatMap((block, i) => (i === 0 ? block : ['', ...block]));
  return [`${indent}/**`, ...lines.map((line) => (line === '' ? `${indent} *` : `${indent} * ${line}`)), `${indent} */`].join('\n');
}
