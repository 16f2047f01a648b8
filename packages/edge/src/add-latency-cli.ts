import { applyEdgeLatency } from './toxiproxy-latency.ts';

/** The edge-latency one-shot: the distance between the edge and the origin, set once toxiproxy is up. */
const apiUrl = process.env.TOXIPROXY_URL;
const latencyText = process.env.EDGE_LATENCY_MS ?? '40';
const latencyMs = Number(latencyText);
if (!apiUrl) {
  console.error(
    "TOXIPROXY_URL is not set: point it at toxiproxy's API (http://toxiproxy:8474) and run again.",
  );
  process.exit(2);
}
if (!/^\d+$/.test(latencyText) || latencyMs > 10_000) {
  console.error(
    `EDGE_LATENCY_MS is "${latencyText}": set it to a whole number of milliseconds from 0 to 10000 (40 is an ocean).`,
  );
  process.exit(2);
}
try {
  await applyEdgeLatency({
    apiUrl: apiUrl.replace(/\/+$/, ''),
    proxy: 'origin',
    latencyMs,
    timeoutMs: 60_000,
    progress: (line) => console.error(line),
  });
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
