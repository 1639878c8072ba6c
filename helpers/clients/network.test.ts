import { describe, expect, it } from 'vitest';
import { HintedError } from '../checks/check.js';
import { resolveHost, tcpConnect } from './network.js';
import { closedPort, startSilentServer } from './test-server.js';

describe('resolveHost', () => {
  it('returns an IP literal as itself without a lookup', async () => {
    const r = await resolveHost('127.0.0.1', { timeoutMs: 1000 });
    expect(r).toMatchObject({ literal: true, addresses: [{ address: '127.0.0.1', family: 4 }] });
    expect((await resolveHost('::1', { timeoutMs: 1000 })).addresses[0]?.family).toBe(6);
  });

  it('resolves localhost through the system resolver', async () => {
    const r = await resolveHost('localhost', { timeoutMs: 2000 });
    expect(r.literal).toBe(false);
    expect(r.addresses.length).toBeGreaterThan(0);
    expect(r.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('fails on a name that cannot exist (.invalid is reserved), with a DNS hint', async () => {
    const error = await resolveHost('no-such-host.invalid', { timeoutMs: 3000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HintedError);
    expect((error as HintedError).message).toMatch(
      /^resolve no-such-host\.invalid: expected at least one address, saw /,
    );
    expect((error as HintedError).hint).toMatch(/DNS/);
  });
});

describe('tcpConnect', () => {
  it('connects and reports latency and the address reached', async () => {
    const server = await startSilentServer();
    try {
      const c = await tcpConnect('127.0.0.1', server.port, { timeoutMs: 1000 });
      expect(c.remoteAddress).toBe('127.0.0.1');
      expect(c.latencyMs).toBeGreaterThanOrEqual(0);
    } finally {
      await server.close();
    }
  });

  it('fails at once on a closed port, naming host:port', async () => {
    const port = await closedPort();
    const started = performance.now();
    const error = (await tcpConnect('127.0.0.1', port, { timeoutMs: 5000 }).catch((e: unknown) => e)) as HintedError;
    expect(performance.now() - started).toBeLessThan(1000);
    expect(error.message).toBe(
      `connect to 127.0.0.1:${port}: expected a TCP connection, saw connection refused (ECONNREFUSED)`,
    );
    expect(error.hint).toContain(`nothing listens on 127.0.0.1:${port}`);
  });
});
