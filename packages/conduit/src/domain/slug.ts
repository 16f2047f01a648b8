import { randomBytes } from 'node:crypto';

const maxSlugLength = 80;

/** "Hello, Wörld!" -> "hello-world": lower-case ASCII letters and digits joined by single dashes. */
export function slugify(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, maxSlugLength)
    .replace(/^-+|-+$/g, '');
  return slug === '' ? 'article' : slug;
}

/** Equal titles are allowed; the second article gets its base slug plus a random suffix. */
export function withUniqueSuffix(baseSlug: string): string {
  return `${baseSlug}-${randomBytes(4).toString('hex')}`;
}

const uniqueSuffix = /^-[0-9a-f]{8}$/;

/** True when `slug` is `baseSlug` itself or `baseSlug` with a suffix from withUniqueSuffix. */
export function isSlugOf(slug: string, baseSlug: string): boolean {
  return slug === baseSlug || (slug.startsWith(baseSlug) && uniqueSuffix.test(slug.slice(baseSlug.length)));
}
