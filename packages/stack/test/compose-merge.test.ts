import { describe, expect, it } from 'vitest';
import { mergeCompose, parseCompose } from '../src/index.ts';

describe('compose override files', () => {
  const base = parseCompose(`
services:
  nginx:
    image: nginx:1.26-alpine
    command: ["nginx", "-g", "daemon off;"]
    volumes: ["./config/nginx.conf:/etc/nginx/nginx.conf:ro", "./config/proxy.conf:/etc/nginx/conduit/proxy.conf:ro"]
    ports: ["8080:8080"]
    environment: { A: "1", B: "2" }
    depends_on: [app]
  app: { build: ., command: ["node", "a.ts"] }
`);

  it('When an override mounts another file on the same path, then it replaces that mount and keeps the others', () => {
    const merged = mergeCompose(
      base,
      parseCompose(
        'services:\n  nginx:\n    volumes: ["./config/nginx.sticky.conf:/etc/nginx/nginx.conf:ro"]\n',
      ),
    );
    expect(merged.services.nginx?.volumes).toEqual([
      './config/proxy.conf:/etc/nginx/conduit/proxy.conf:ro',
      './config/nginx.sticky.conf:/etc/nginx/nginx.conf:ro',
    ]);
    expect(merged.services.app).toEqual(base.services.app);
  });

  it('When an override sets environment, ports, depends_on and command, then they merge the way Compose merges them', () => {
    const merged = mergeCompose(
      base,
      parseCompose(`
services:
  nginx:
    command: ["nginx", "-c", "/etc/nginx/other.conf"]
    ports: ["8443:8443"]
    environment: ["B=3", "C=4"]
    depends_on: { redis: { condition: service_healthy } }
  redis: { image: "redis:7.0" }
`),
    );
    expect(merged.services.nginx).toMatchObject({
      command: ['nginx', '-c', '/etc/nginx/other.conf'],
      ports: ['8080:8080', '8443:8443'],
      environment: { A: '1', B: '3', C: '4' },
      depends_on: { app: { condition: 'service_started' }, redis: { condition: 'service_healthy' } },
    });
    expect(Object.keys(merged.services)).toEqual(['nginx', 'app', 'redis']);
  });
});
