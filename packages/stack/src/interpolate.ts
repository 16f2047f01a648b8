import { existsSync, readFileSync } from 'node:fs';

export type Variables = Record<string, string | undefined>;

/**
 * Compose's interpolation of one string: `$$` is a literal `$`; `$NAME` and `${NAME}` the variable (empty when
 * unset); `${NAME:-default}` the default when unset or empty, `${NAME-default}` when unset; `${NAME:?message}` /
 * `${NAME?message}` an error; `${NAME:+other}` / `${NAME+other}` the other value when set. Defaults may nest.
 */
export function interpolate(text: string, variables: Variables, where = 'the compose file'): string {
  let result = '';
  let at = 0;
  while (at < text.length) {
    const dollar = text.indexOf('$', at);
    if (dollar === -1) return result + text.slice(at);
    result += text.slice(at, dollar);
    const next = text[dollar + 1];
    if (next === '$') {
      result += '$';
      at = dollar + 2;
    } else if (next === '{') {
      const end = closingBrace(text, dollar + 2);
      if (end === -1) throw new Error(`${where} has "${text}", whose \${ is never closed: add the "}".`);
      result += expand(text.slice(dollar + 2, end), variables, where);
      at = end + 1;
    } else {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(dollar + 1))?.[0];
      result += name === undefined ? '$' : (variables[name] ?? '');
      at = dollar + 1 + (name?.length ?? 0);
    }
  }
  return result;
}

function closingBrace(text: string, from: number): number {
  let depth = 1;
  for (let index = from; index < text.length; index++) {
    if (text[index] === '{') depth++;
    if (text[index] === '}' && --depth === 0) return index;
  }
  return -1;
}

function expand(body: string, variables: Variables, where: string): string {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?+])([\s\S]*))?$/.exec(body);
  if (!match) throw new Error(`${where} has \${${body}}, which is not a variable: write \${NAME:-default}.`);
  const [, name, colon, operator, operand = ''] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
  ];
  const value = variables[name as string];
  const set = colon === ':' ? value !== undefined && value !== '' : value !== undefined;
  switch (operator) {
    case '-':
      return set ? (value as string) : interpolate(operand, variables, where);
    case '?':
      if (set) return value as string;
      throw new Error(
        `${where} needs ${name}: ${interpolate(operand, variables, where) || 'set it in the environment or in .env'}.`,
      );
    case '+':
      return set ? interpolate(operand, variables, where) : '';
    default:
      return value ?? '';
  }
}

/** Every string of a parsed compose document, interpolated; keys stay as written. */
export function interpolateDocument<T>(value: T, variables: Variables, where: string): T {
  if (typeof value === 'string') return interpolate(value, variables, where) as T;
  if (Array.isArray(value)) return value.map((item) => interpolateDocument(item, variables, where)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, interpolateDocument(item, variables, where)]),
    ) as T;
  }
  return value;
}

/** The `.env` file beside the compose file, as Compose reads it: `NAME=value` lines, `#` comments, optional quotes. */
export function readDotEnv(file: string): Variables {
  if (!existsSync(file)) return {};
  const variables: Variables = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!match || line.trimStart().startsWith('#')) continue;
    const raw = match[2] as string;
    const quoted = /^(['"])(.*)\1$/.exec(raw);
    variables[match[1] as string] = quoted ? (quoted[2] as string) : raw.replace(/\s+#.*$/, '');
  }
  return variables;
}
