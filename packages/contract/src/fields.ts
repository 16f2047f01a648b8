import { z } from 'zod';
import { errorMessages } from './errors.ts';

const isAbsent = (input: unknown): boolean => input === undefined || input === null;

/** Missing and null read as "can't be blank" (the spec's words); any other wrong type says what was expected. */
const expected = (what: string) => (issue: { input?: unknown }) =>
  isAbsent(issue.input) ? errorMessages.blank : `must be ${what}`;

/**
 * Limits on every string the API stores, in characters (Unicode code points, as JSON Schema's maxLength counts
 * them), chosen as a real blogging site would: the package README says why each number.
 */
export const maxLength = {
  username: 64,
  email: 254,
  password: 256,
  title: 200,
  description: 500,
  body: 100_000,
  comment: 10_000,
  bio: 500,
  image: 2048,
  tag: 64,
  refreshToken: 128,
} as const;

/** A path segment the router accepts: it refuses one longer than 100 UTF-16 units with 414. */
export const maxPathSegmentLength = 100;

/** Tags on one article: enough to file it under every topic it touches, too few to stuff "Popular Tags". */
export const maxTagsPerArticle = 10;

/** NIST 800-63B: at least 8 characters, no composition rules; the cap keeps scrypt's input bounded. */
export const passwordLength = { min: 8, max: maxLength.password } as const;

type Ranges = readonly (readonly [number, number])[];

/** `\uXXXX` escapes, which ECMAScript (with the u flag), Python and Rust regular expressions all read alike. */
const unicodeEscape = (codePoint: number) => `\\u${codePoint.toString(16).padStart(4, '0')}`;
const rangesText = (ranges: Ranges) =>
  ranges
    .map(([from, to]) => (from === to ? unicodeEscape(from) : `${unicodeEscape(from)}-${unicodeEscape(to)}`))
    .join('');

/** Removes the code points of `cut` from sorted, disjoint `ranges`. */
function subtract(ranges: Ranges, cut: Ranges): Ranges {
  let result: Ranges = ranges;
  for (const [cutFrom, cutTo] of cut) {
    result = result.flatMap(([from, to]): Ranges => {
      if (cutTo < from || cutFrom > to) return [[from, to]];
      const pieces: [number, number][] = [];
      if (from < cutFrom) pieces.push([from, cutFrom - 1]);
      if (to > cutTo) pieces.push([cutTo + 1, to]);
      return pieces;
    });
  }
  return result;
}

/** What JavaScript's trim() removes (WhiteSpace and LineTerminator): a value of these alone is blank. */
const whitespace: Ranges = [
  [0x09, 0x0d],
  [0x20, 0x20],
  [0xa0, 0xa0],
  [0x1680, 0x1680],
  [0x2000, 0x200a],
  [0x2028, 0x2029],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
  [0xfeff, 0xfeff],
];

/** Printable characters of the Basic Multilingual Plane: no C0 or C1 control character, no DEL. */
const nameCharacters: Ranges = [
  [0x20, 0x7e],
  [0xa0, 0xffff],
];

/**
 * The characters a field may hold. Postgres text cannot store U+0000, so no field takes it. Names shown to
 * other users (usernames, tags) also refuse control characters, which a front end renders as boxes, and
 * characters outside the Basic Multilingual Plane: a username is a path segment (/profiles/:username) and the
 * router counts UTF-16 units, so 64 characters of the BMP always fit its 100-unit limit.
 */
const alphabets = {
  text: {
    blank: `[${rangesText(whitespace)}]`,
    allowed: '[^\\u0000]',
    visible: `[^\\u0000${rangesText(whitespace)}]`,
    refused: 'must not contain the NUL character (\\u0000)',
  },
  name: {
    // Tabs and line breaks are whitespace but also control characters: a name may not start with them either.
    blank: `[${rangesText(subtract(whitespace, subtract([[0x00, 0xffff]], nameCharacters)))}]`,
    allowed: `[${rangesText(nameCharacters)}]`,
    visible: `[${rangesText(subtract(nameCharacters, whitespace))}]`,
    refused: 'must not contain control characters or characters outside the Basic Multilingual Plane',
  },
} as const;
type Alphabet = keyof typeof alphabets;

/**
 * The pattern a value must match, given to the OpenAPI document as is and checked by the server with the same
 * expression, so the two cannot disagree. A required value holds a character that is not whitespace; the
 * classes on either side of that character are disjoint, so matching stays linear in the value's length.
 */
function patternOf(alphabet: Alphabet, required: boolean): string {
  const { blank, allowed, visible } = alphabets[alphabet];
  return required ? `^${blank}*${visible}${allowed}*$` : `^${allowed}*$`;
}

/** Counted in code points, as JSON Schema counts a string's length (String.length counts UTF-16 units). */
function lengthOf(value: string): number {
  let length = 0;
  for (const _ of value) length += 1;
  return length;
}

interface TextRules {
  max: number;
  min?: number;
  required?: boolean;
  alphabet?: Alphabet;
  typeError?: string | ((issue: { input?: unknown }) => string);
}

/**
 * A string with every rule the server checks written into the OpenAPI document (minLength, maxLength, pattern).
 * Each rule answers with its own message, in this order: the characters, blank, the length.
 */
function boundedText({
  max,
  min = 0,
  required = false,
  alphabet = 'text',
  typeError = 'must be a string',
}: TextRules) {
  const pattern = patternOf(alphabet, required);
  const characters = new RegExp(patternOf(alphabet, false), 'u');
  const visible = new RegExp(pattern, 'u');
  const minLength = required ? Math.max(min, 1) : min;
  const problemWith = (value: string): string | null => {
    if (!characters.test(value)) return alphabets[alphabet].refused;
    if (!visible.test(value)) return errorMessages.blank;
    const length = lengthOf(value);
    if (length < minLength) return `is too short (minimum is ${minLength} characters)`;
    if (length > max) return `is too long (maximum is ${max} characters)`;
    return null;
  };
  return z
    .string({ error: typeError })
    .check((context) => {
      const message = problemWith(context.value);
      if (message !== null)
        context.issues.push({ code: 'custom', message, input: context.value, continue: false });
    })
    .meta({ ...(minLength > 0 ? { minLength } : {}), maxLength: max, pattern });
}

/** A string that must hold something other than whitespace; missing and null read as "can't be blank". */
export function requiredText(max: number, alphabet: Alphabet = 'text') {
  return boundedText({ max, required: true, alphabet, typeError: expected('a string') });
}

/** bio and image: a string or null; the domain stores an empty or blank string as null. */
export function nullableText(max: number) {
  return boundedText({ max, typeError: 'must be a string or null' }).nullable();
}

/**
 * A query or path parameter compared with stored names or slugs. It may be blank (it then matches nothing) and
 * holds no more than the router lets through one path segment.
 */
export function nameParameter(typeError = 'must be a string') {
  return boundedText({ max: maxPathSegmentLength, alphabet: 'name', typeError });
}

export function username() {
  return requiredText(maxLength.username, 'name');
}

const emailPattern = (() => {
  const { blank } = alphabets.text;
  const part = `[^\\u0000@${rangesText(whitespace)}]+`;
  return `^${blank}*${part}@${part}${blank}*$`;
})();

/** Something@something with no whitespace inside; whitespace around it is trimmed by the domain. */
export function email() {
  const matcher = new RegExp(emailPattern, 'u');
  return requiredText(maxLength.email)
    .refine((value) => matcher.test(value), { error: errorMessages.invalid, abort: true })
    .meta({ pattern: emailPattern });
}

export function newPassword() {
  return boundedText({ ...passwordLength, required: true, typeError: expected('a string') });
}

export function requiredObject<Shape extends z.ZodRawShape>(shape: Shape) {
  return z.object(shape, { error: expected('an object') });
}

export function tagList() {
  return z
    .array(requiredText(maxLength.tag, 'name'), { error: expected('an array of strings') })
    .max(maxTagsPerArticle, { error: `must hold at most ${maxTagsPerArticle} tags` });
}

/** Validates the real payload while keeping the timestamps' OpenAPI format. */
export const timestamp = () => z.iso.datetime();
