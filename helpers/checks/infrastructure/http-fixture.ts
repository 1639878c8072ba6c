import { serviceClients } from '../../clients/service-clients.js';
import { type Handler, startHttpServer, type TestServer } from '../../clients/test-server.js';
import type { InfrastructureContext } from './context.js';
import { testConfig } from './test-support.js';

/**
 * For the checks' unit tests: a fake HTTP service plus a context whose configuration points the
 * given settings at it (e.g. MLFLOW_TRACKING_URI = the server's URL + a path).
 */
export async function withFakeService(
  handler: Handler,
  env: (server: TestServer) => Record<string, string>,
  test: (ctx: InfrastructureContext, server: TestServer) => Promise<void>,
): Promise<void> {
  const server = await startHttpServer(handler);
  const config = testConfig(env(server));
  const clients = serviceClients(config);
  try {
    await test({ config, clients }, server);
  } finally {
    await clients.close();
    await server.close();
  }
}
