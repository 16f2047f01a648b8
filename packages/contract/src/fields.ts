import { z } from 'zod';
import { errorMessages } from './errors.ts';

const isAbsent = (input: unknown): boolean => input === undefined || input === null;

/** Missing and null read as "can't be blank" (the spec's words); any other wrong type says what was expected. */
const expected = (what: string) => (issue: { input?: unknown }) =>
  isAbsent(issue.input) ? errorMessages.blank : `must be ${what}`;

const tooLong = (max: number) => ({ error: `is too long (maximum is ${max} characters)` });

/**
 * Caps on the values that land in a unique btree index, whose entries hold at most 2704 bytes (longer ones
 * fail in Postgres, a 500). A username is also a path segment (/profiles/:username), which the router caps
 * at 100 characters, so a longer one could register but never be looked up.
 */
export const maxLength = { username: 64, email: 254, tag: 64 } as const;

/**
 * Any string the server reads, body, query or path. Postgres text cannot hold U+0000, so a string with one
 * is refused here rather than failing in the database as a 500.
 */
export function text(typeError: string | ((issue: { input?: unknown }) => string) = 'must be a string') {
  return z.string({ error: typeError }).refine((value) => !value.includes('\u0000'), {
    error: 'must not contain the NUL character (\\u0000)',
    abort: true,
  });
}

/** A string that must hold something other than whitespace. */
export function requiredText() {
  return text(expected('a string')).refine((value) => value.trim() !== '', {
    error: errorMessages.blank,
    abort: true,
  });
}

/** bio and image: a string or null; the domain stores an empty string as null. */
export function nullableText() {
  return text('must be a string or null').nullable();
}

export function username() {
  return requiredText().max(maxLength.username, tooLong(maxLength.username));
}

export function email() {
  return requiredText()
    .max(maxLength.email, tooLong(maxLength.email))
    .refine((value) => /^[^\s@]+@[^\s@]+$/.test(value.trim()), { error: errorMessages.invalid });
}

/** NIST 800-63B: at least 8 characters, no composition rules; the cap keeps scrypt's input bounded. */
export const passwordLength = { min: 8, max: 256 } as const;

export function newPassword() {
  return requiredText()
    .min(passwordLength.min, { error: `is too short (minimum is ${passwordLength.min} characters)` })
    .max(passwordLength.max, tooLong(passwordLength.max));
}

export function requiredObject<Shape extends z.ZodRawShape>(shape: Shape) {
  return z.object(shape, { error: expected('an object') });
}

export function tagList() {
  return z.array(requiredText().max(maxLength.tag, tooLong(maxLength.tag)), {
    error: expected('an array of strings'),
  });
}

/** Validates the real payload while keeping the timestamps' OpenAPI format. */
export const timestamp = () => z.iso.datetime();
