import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

interface KnownPath {
  pattern: RegExp;
  methods: Set<string>;
}

/** `/api/articles/:slug/comments/:id` -> a regular expression matching any concrete path of the route. */
function patternOf(url: string): RegExp {
  const escaped = url
    .split('/')
    .map((segment) =>
      segment.startsWith(':')
        ? '[^/]+'
        : segment === '*'
          ? '.*'
          : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('/');
  return new RegExp(`^${escaped}/?$`);
}

/**
 * Answers a request the router could not match: 405 with `Allow` when the path exists under other methods
 * (RFC 9110 15.5.6), else 404, both in the RealWorld error shape. Must be called before any route is added:
 * it learns the paths as they are registered.
 */
export function useNotFoundHandler(app: FastifyInstance): void {
  const known = new Map<string, KnownPath>();
  app.addHook('onRoute', (route) => {
    const entry = known.get(route.url) ?? { pattern: patternOf(route.url), methods: new Set<string>() };
    for (const method of [route.method].flat()) entry.methods.add(method.toUpperCase());
    known.set(route.url, entry);
  });

  const answer = (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? request.url;
    const allowed = new Set<string>();
    for (const { pattern, methods } of known.values()) {
      if (pattern.test(path)) for (const method of methods) allowed.add(method);
    }
    if (allowed.size > 0) {
      const allow = [...allowed].sort().join(', ');
      return reply
        .code(405)
        .header('allow', allow)
        .send({ errors: { method: [`${request.method} is not allowed on ${path}; use ${allow}`] } });
    }
    return reply.code(404).send({ errors: { route: [`${request.method} ${path} does not exist`] } });
  };
  // Answered as soon as the router has found nothing, before fastify reads a body: a method that takes one
  // (QUERY needs a Content-Type) would otherwise be refused for its body rather than for the method.
  app.addHook('onRequest', async (request, reply) => {
    if (request.is404) return answer(request, reply);
  });
  app.setNotFoundHandler(answer);
}
