import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HintedError } from '../checks/check.js';
import { PostgresClient } from './postgres.js';
import { closedPort, startSilentServer, type TestServer } from './test-server.js';

const PASSWORD = 'pg-passw0rd-9876';
const settings = (port: number) => ({
  host: '127.0.0.1',
  port,
  database: 'mlflow',
  user: 'mlflow',
  password: PASSWORD,
});

/** A PostgreSQL ErrorResponse message (protocol v3): what a server sends when it rejects a session. */
function errorResponse(sqlstate: string, message: string): Buffer {
  const fields = Buffer.concat(
    [
      ['S', 'FATAL'],
      ['V', 'FATAL'],
      ['C', sqlstate],
      ['M', message],
    ].map(([type, value]) => Buffer.from(`${type}${value}\0`, 'utf8')),
  );
  const body = Buffer.concat([fields, Buffer.from([0])]);
  const header = Buffer.alloc(5);
  header.write('E', 0);
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

/** Answers the startup message with the given error, like a server refusing the login. */
const rejectingServer = (sqlstate: string, message: string) =>
  startSilentServer((socket: Socket) => {
    socket.end(errorResponse(sqlstate, message));
  });

let servers: TestServer[] = [];
let clients: PostgresClient[] = [];
afterEach(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
  clients = [];
});

const track = (c: PostgresClient) => {
  clients.push(c);
  return c;
};

const failure = async (p: Promise<unknown>) => {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(HintedError);
  return e as HintedError;
};

describe('PostgresClient', () => {
  it('prints its endpoint without the password', () => {
    const pg = track(new PostgresClient(settings(5432), { timeoutMs: 1000 }));
    expect(pg.endpoint).toBe('postgresql://mlflow@127.0.0.1:5432/mlflow');
  });

  it.each([
    ['28P01', 'password authentication failed for user "mlflow"', 'POSTGRES_PASSWORD'],
    ['3D000', 'database "mlflow" does not exist', 'POSTGRES_DB'],
    [
      '28000',
      'no pg_hba.conf entry for host "10.0.0.1", user "mlflow", database "mlflow", no encryption',
      'pg_hba.conf',
    ],
  ])('SQLSTATE %s gets a hint naming %s', async (sqlstate, message, setting) => {
    const server = await rejectingServer(sqlstate, message);
    servers.push(server);
    const pg = track(new PostgresClient(settings(server.port), { timeoutMs: 2000 }));
    const error = await failure(pg.connect());
    expect(error.message).toBe(
      `connect at postgresql://mlflow@127.0.0.1:${server.port}/mlflow: expected a session, saw ${message} (SQLSTATE ${sqlstate})`,
    );
    expect(error.hint).toContain(setting);
    expect(`${error.message}${error.hint}`).not.toContain(PASSWORD);
  });

  it('remembers a failed connect: later calls fail at once with the same message', async () => {
    const server = await rejectingServer('28P01', 'password authentication failed for user "mlflow"');
    servers.push(server);
    const pg = track(new PostgresClient(settings(server.port), { timeoutMs: 2000 }));
    const first = await failure(pg.connect());
    const started = performance.now();
    const second = await failure(pg.tables());
    expect(performance.now() - started).toBeLessThan(50);
    expect(second.message).toBe(first.message);
  });

  it('a closed port is refused at once', async () => {
    const port = await closedPort();
    const pg = track(new PostgresClient(settings(port), { timeoutMs: 5000 }));
    const started = performance.now();
    const error = await failure(pg.connect());
    expect(performance.now() - started).toBeLessThan(1000);
    expect(error.hint).toContain(`nothing listens on 127.0.0.1:${port}`);
  });

  it('a server that never answers times out within the deadline', async () => {
    const server = await startSilentServer();
    servers.push(server);
    const pg = track(new PostgresClient(settings(server.port), { timeoutMs: 300 }));
    const started = performance.now();
    const error = await failure(pg.connect());
    expect(performance.now() - started).toBeLessThan(1500);
    expect(error.message).toContain('no answer within 300 ms');
  });

  it('close() is idempotent and safe before any connect', async () => {
    const pg = new PostgresClient(settings(1), { timeoutMs: 100 });
    await pg.close();
    await pg.close();
    await expect(pg.connect()).rejects.toThrow(/client closed/);
  });
});
