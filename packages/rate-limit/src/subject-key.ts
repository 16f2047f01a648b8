import { createHash } from 'node:crypto';

/**
 * The counter's name for a subject: e-mail addresses and client addresses are personal data, so the store keeps
 * a SHA-256 of them, never the address itself. Nothing needs to read the subject back.
 */
export function subjectKey(ruleName: string, subject: string): string {
  return `${ruleName}:${createHash('sha256').update(subject).digest('base64url')}`;
}
