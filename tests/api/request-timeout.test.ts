// A client that announces more body than it sends must not hold a connection (and a request slot)
// open for ever: the server answers 408 and closes it, and goes on serving everyone else.
import net from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../../api/server/app.js';
import { testService, type TestService } from './harness.js';

let s: TestService;
beforeAll(async () => {
  s = await testService();
});
afterAll(async () => s.close());

/** Sends `raw` on a fresh connection and resolves with everything received until the server closes it. */
function exchange(port: number, raw: string, giveUpMs: number): Promise<{ text: string; closed: boolean; ms: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1', () => socket.write(raw));
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      text += d;
    });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ text, closed: false, ms: Date.now() - started });
    }, giveUpMs);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text, closed: true, ms: Date.now() - started });
    });
    socket.on('error', () => undefined);
  });
}

it('a body shorter than its Content-Length gets 408 and a closed connection, and the server keeps serving', async () => {
  const app = await buildApp(s.deps, { requestTimeoutMs: 400 });
  try {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    const body = '{"id":"x","name":"short"}';
    const raw = `POST /api/rulesets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${s.tokens.author}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n${body}`;
    const r = await exchange(address.port, raw, 10_000);
    expect(r.closed).toBe(true);
    expect(r.text).toMatch(/^HTTP\/1\.1 408/);
    // Well before the test would give up: within the timeout and a check interval or two.
    expect(r.ms).toBeLessThan(3000);
    const ok = await fetch(`http://127.0.0.1:${address.port}/healthz`);
    expect(ok.status).toBe(200);
  } finally {
    await app.close();
  }
});
