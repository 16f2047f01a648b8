import type { Server } from 'node:http';
import type { FastifyHttpOptions } from 'fastify';

/** How long the HTTP server waits on a client, in milliseconds; 0 turns a limit off. */
export interface ServerTimeouts {
  /** The request line and headers must arrive within this time: a slowloris client trickling them is cut off. */
  headersTimeout: number;
  /** The whole request, body included, must arrive within this time (answered 408 otherwise). */
  requestTimeout: number;
  /**
   * A connection with no traffic either way for this long is closed: a client that stops reading its response, or
   * a request whose answer takes longer (the database's statement timeout ends queries well before).
   */
  connectionTimeout: number;
}

// Node's own defaults are 60 s for headers and none at all in Fastify for the request and the connection. A browser
// or a balancer sends a request's headers at once and a JSON body within a second; these leave ample slack.
export const defaultServerTimeouts: ServerTimeouts = {
  headersTimeout: 10_000,
  requestTimeout: 30_000,
  connectionTimeout: 60_000,
};

/** The Fastify options that apply the timeouts to its Node HTTP server. */
export function timeoutOptions(
  timeouts: ServerTimeouts,
): Pick<FastifyHttpOptions<Server>, 'requestTimeout' | 'connectionTimeout' | 'http'> {
  const { headersTimeout, requestTimeout, connectionTimeout } = timeouts;
  return {
    requestTimeout,
    connectionTimeout,
    http: {
      headersTimeout,
      requestTimeout,
      // Node checks the header and request deadlines on this interval (30 s by default, which would let a slow
      // client stay up to 30 s past them); a quarter of the headers timeout, at most a second, keeps them exact.
      connectionsCheckingInterval: Math.max(10, Math.min(1_000, Math.floor(headersTimeout / 4))),
    },
  };
}
