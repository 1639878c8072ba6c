import { lookup } from 'node:dns/promises';
import { isIP, Socket } from 'node:net';
import { withTimeout } from '../util/timeout.js';
import { networkFailure } from './client-error.js';

/** Name resolution and TCP reachability: the two questions below any protocol. */

export interface Resolved {
  host: string;
  addresses: { address: string; family: number }[];
  /** The host was an IP literal: nothing was looked up. */
  literal: boolean;
  latencyMs: number;
}

export interface Connected {
  host: string;
  port: number;
  /** The address the socket actually reached (IPv4 or IPv6 when a name has both). */
  remoteAddress: string | undefined;
  latencyMs: number;
}

/**
 * Resolves a host name the way sockets will (getaddrinfo, so /etc/hosts counts). dns.lookup
 * cannot be cancelled; the deadline stops the wait, the lookup finishes in the background.
 */
export async function resolveHost(host: string, options: { timeoutMs: number }): Promise<Resolved> {
  const started = performance.now();
  const family = isIP(host);
  if (family !== 0) return { host, addresses: [{ address: host, family }], literal: true, latencyMs: 0 };
  try {
    const addresses = await withTimeout(lookup(host, { all: true }), options.timeoutMs, `DNS lookup of ${host}`);
    return { host, addresses, literal: false, latencyMs: elapsed(started) };
  } catch (error) {
    throw networkFailure(error, {
      action: `resolve ${host}`,
      expected: 'at least one address',
      host,
      port: 0,
      timeoutMs: options.timeoutMs,
    });
  }
}

/** Opens a TCP connection and closes it at once; the latency is the connect time (DNS included). */
export function tcpConnect(host: string, port: number, options: { timeoutMs: number }): Promise<Connected> {
  const started = performance.now();
  const site = {
    action: `connect to ${host}:${port}`,
    expected: 'a TCP connection',
    host,
    port,
    timeoutMs: options.timeoutMs,
  };
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    const timer = setTimeout(() => {
      socket.destroy();
      reject(networkFailure(Object.assign(new Error('connect timed out'), { code: 'ETIMEDOUT' }), site));
    }, options.timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      const remoteAddress = socket.remoteAddress;
      socket.destroy();
      resolve({ host, port, remoteAddress, latencyMs: elapsed(started) });
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(networkFailure(error, site));
    });
    socket.connect({ host, port });
  });
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}
