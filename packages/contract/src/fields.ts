import { z } from 'zod';
import { errorMessages } from './errors.ts';

const isAbsent = (input: unknown): boolean => input === undefined || input === null;

/** Missing and null read as "can't be blank" (the spec's words); any other wrong type says what was expected. */
const expected = (what: string) => (issue: { input?: unknown }) =>
  isAbsent(issue.input) ? errorMessages.blank : `must be ${what}`;

/** A string that must hold something other than whitespace. */
export function requiredText() {
  return z
    .string({ error: expected('a string') })
    .refine((value) => value.trim() !== '', { error: errorMessages.blank, abort: true });
}

/** bio and image: a string or null; the domain stores an empty string as null. */
export function nullableText() {
  return z.string({ error: 'must be a string or null' }).nullable();
}

export function email() {
  return requiredText().refine((value) => /^[^\s@]+@[^\s@]+$/.test(value.trim()), {
    error: errorMessages.invalid,
  });
}

/** NIST 800-63B: at least 8 characters, no composition rules; the cap keeps scrypt's input bounded. */
export const passwordLength = { min: 8, max: 256 } as const;

export function newPassword() {
  return requiredText()
    .min(passwordLength.min, { error: `is too short (minimum is ${passwordLength.min} characters)` })
    .max(passwordLength.max, { error: `is too long (maximum is ${passwordLength.max} characters)` });
}

export function requiredObject<Shape extends z.ZodRawShape>(shape: Shape) {
  return z.object(shape, { error: expected('an object') });
}

export function stringList() {
  return z.array(requiredText(), { error: expected('an array of strings') });
}

/** Validates the real payload while keeping the timestamps' OpenAPI format. */
export const timestamp = () => z.iso.datetime();
