import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { notificationsOpenApi } from '../src/openapi.ts';

describe('the OpenAPI fragment', () => {
  it('When the committed openapi.json is compared with the one generated from the route schemas, then they are the same (else run pnpm --filter @scaling/notifications openapi)', () => {
    const committed = JSON.parse(readFileSync(new URL('../openapi.json', import.meta.url), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(notificationsOpenApi())));
  });
});
