import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The files @fastify/swagger-ui serves under `<docs prefix>/static/`, as installed. */
export function swaggerUiAssetsDirectory(): string {
  return join(dirname(createRequire(import.meta.url).resolve('@fastify/swagger-ui')), 'static');
}

/**
 * Swagger UI serves its assets under fixed names (static/swagger-ui-bundle.js), so the same URL would hold new bytes
 * after an upgrade: a year of `immutable` on that URL would pin browsers and the edge to the old file. Each file's
 * URL therefore gets its content's hash (`?v=`, put into the docs page's references), and only a request naming the
 * current hash is told the file never changes. A page cached before a deploy asks for the old hash, which is served
 * (current bytes) with a short lifetime, so no old name is ever pinned to new bytes.
 */
export interface DocsAssetVersions {
  /** True when `version` is the hash of the file named `file` as served now. */
  isCurrent(file: string, version: string | undefined): boolean;
  /** The docs page with every reference to a hashed asset naming its version. */
  versionReferences(html: string): string;
}

const assetReference = /((?:href|src)="[^"]*\/static\/)([^"/?#]+)"/g;

export async function hashDocsAssets(directory: string): Promise<DocsAssetVersions> {
  const entries = await readdir(directory, { withFileTypes: true });
  const versions = new Map<string, string>();
  for (const entry of entries.filter((candidate) => candidate.isFile())) {
    const content = await readFile(join(directory, entry.name));
    versions.set(entry.name, createHash('sha256').update(content).digest('hex').slice(0, 16));
  }
  return {
    isCurrent: (file, version) => version !== undefined && versions.get(file) === version,
    versionReferences: (html) =>
      html.replace(assetReference, (reference, path: string, file: string) => {
        const version = versions.get(file);
        return version === undefined ? reference : `${path}${file}?v=${version}"`;
      }),
  };
}
