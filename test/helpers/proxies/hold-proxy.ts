/**
 * An HTTP proxy in front of the emulator that holds the first request matching a predicate until
 * the test releases it: "while this upload is slow, something else happens". Every other request
 * passes through at once.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HoldProxy {
  url: string;
  /** Resolves when the request to hold has arrived (its body not yet forwarded). */
  held: Promise<{ method: string; path: string }>;
  /** Forwards the held request. */
  release(): void;
  close(): Promise<void>;
}

export async function startHoldProxy(upstream: string, hold: (method: string, path: string) => boolean): Promise<HoldProxy> {
  const target = new URL(upstream);
  let arrived: (r: { method: string; path: string }) => void = () => {};
  const held = new Promise<{ method: string; path: string }>((r) => (arrived = r));
  let release: () => void = () => {};
  const released = new Promise<void>((r) => (release = r));
  let holding = false;
  const server = http.createServer((req, res) => {
    const forward = () => {
      const up = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      up.on('error', () => res.destroy());
      req.pipe(up);
    };
    const path = (req.url ?? '').split('?')[0]!;
    if (!holding && hold(req.method ?? 'GET', path)) {
      holding = true;
      req.pause();
      arrived({ method: req.method ?? 'GET', path });
      void released.then(forward);
      return;
    }
    forward();
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${target.pathname}`,
    held,
    release: () => release(),
    close: () =>
      new Promise<void>((r) => {
        release();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
