/** Emails are compared case-insensitively: they are stored lower-cased and trimmed. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** bio and image: an empty (or blank) string means "no value" and is stored as null; undefined means "unchanged". */
export function emptyToNull(value: string | null | undefined): string | null | undefined {
  if (value === undefined || value === null) return value;
  return value.trim() === '' ? null : value;
}

/** Tags are trimmed and de-duplicated, keeping the first occurrence's order. */
export function normalizeTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((tag) => tag.trim()))];
}
