import { writeFileSync } from 'node:fs';
import { notificationsOpenApi } from './openapi.ts';

/** Where the fragment is committed, beside the README that describes it. */
const openApiFile = new URL('../openapi.json', import.meta.url);

writeFileSync(openApiFile, `${JSON.stringify(notificationsOpenApi(), null, 2)}\n`);
console.error(`Wrote ${openApiFile.pathname}; run pnpm biome format --write on it before committing.`);
