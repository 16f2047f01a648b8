import type { WeeklyDigestPayload } from '../types.ts';

const dayMs = 24 * 3600 * 1000;

export const weeklyDigestDefaults = { days: 7, articlesPerDigest: 5 };

/** Users per round trip: enough to keep the SQL set-based, few enough that a batch's rows stay a few MB. */
export const digestUsersPerBatch = 200;

/** The Monday (UTC) of the week that holds `date`, as YYYY-MM-DD: the key digests are stored under. */
export function weekStart(date: Date): string {
  if (Number.isNaN(date.getTime())) {
    throw new Error('The week is not a valid date: give it as YYYY-MM-DD, for example 2024-12-23.');
  }
  const daysSinceMonday = (date.getUTCDay() + 6) % 7;
  const monday = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() - daysSinceMonday);
  return new Date(monday).toISOString().slice(0, 10);
}

/** Midnight UTC of a YYYY-MM-DD day. */
export function parseDay(day: string): Date {
  return new Date(`${day}T00:00:00Z`);
}

/** The articles the digest of `week` (a Monday) considers: published in the `days` days before that week ends. */
export function digestPeriod(week: string, days: number): { since: Date; until: Date } {
  const until = new Date(parseDay(week).getTime() + 7 * dayMs);
  return { since: new Date(until.getTime() - days * dayMs), until };
}

export interface WeeklyDigestOptions {
  /** Any day of the week, as a Date or YYYY-MM-DD; the current week when omitted. */
  week?: Date | string;
  days?: number;
  articlesPerDigest?: number;
}

/** A checked payload for enqueue(db, 'weekly-digest', ...), with the defaults filled in. */
export function weeklyDigestPayload(options: WeeklyDigestOptions = {}): WeeklyDigestPayload {
  const week = options.week ?? new Date();
  const days = options.days ?? weeklyDigestDefaults.days;
  const articlesPerDigest = options.articlesPerDigest ?? weeklyDigestDefaults.articlesPerDigest;
  if (!Number.isInteger(days) || days < 1) {
    throw new Error(`The look-back must be a whole number of days, at least 1; got ${days}.`);
  }
  if (!Number.isInteger(articlesPerDigest) || articlesPerDigest < 1) {
    throw new Error(`A digest lists at least 1 article; got ${articlesPerDigest} articles per digest.`);
  }
  const day = typeof week === 'string' ? parseDay(week) : week;
  return { week: weekStart(day), days, articlesPerDigest };
}
