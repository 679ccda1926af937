/**
 * An HTTP proxy in front of the emulator that delays a seeded share of the requests by a high
 * latency: "10% (or 30%) of the requests take 1-2 s", which the emulator's own `latency=` (every
 * request) cannot say.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { prng } from '../reliability/scenario.js';

export interface SlowProxy {
  url: string;
  delayed: number;
  close(): Promise<void>;
}

export async function startSlowProxy(upstream: string, share: number, delayMs: number, jitterMs: number, seed: number): Promise<SlowProxy> {
  const target = new URL(upstream);
  const rand = prng(seed);
  const state = { delayed: 0 };
  const server = http.createServer((req, res) => {
    const slow = rand() < share;
    const wait = slow ? Math.max(0, delayMs + (rand() * 2 - 1) * jitterMs) : 0;
    if (slow) state.delayed++;
    setTimeout(() => {
      const up = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      up.on('error', () => res.destroy());
      req.pipe(up);
    }, wait);
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${target.pathname}`,
    get delayed() {
      return state.delayed;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
