import { MinioContainer } from '@testcontainers/minio';
import { PostgreSqlContainer } from '@testcontainers/postgresql';
import { GenericContainer, getContainerRuntimeClient, Network, Wait, type WaitStrategy } from 'testcontainers';
import { describeLast } from '../../util/retry-until.js';
import type { ContainerDefinition, WaitSpec } from './container-definition.js';
import type { ContainerLog } from './container-log.js';
import { ContainerStartError, type RunningContainer, type RunningNetwork, type StackRuntime } from './stack-runtime.js';

/** A definition's readiness as a testcontainers wait strategy. */
export function waitStrategyFor(wait: WaitSpec): WaitStrategy {
  switch (wait.kind) {
    case 'http':
      return Wait.forHttp(wait.path, wait.port).forStatusCode(wait.status);
    case 'healthcheck':
      return Wait.forAll([Wait.forHealthCheck(), Wait.forListeningPorts()]);
  }
}

/** The builder of the definition's class, before the settings every container shares. */
async function containerFor(definition: ContainerDefinition): Promise<GenericContainer> {
  switch (definition.module) {
    case 'postgresql': {
      const { database, username, password } = definition.credentials;
      return new PostgreSqlContainer(definition.image)
        .withDatabase(database)
        .withUsername(username)
        .withPassword(password);
    }
    case 'minio': {
      const { username, password } = definition.credentials;
      return new MinioContainer(definition.image).withUsername(username).withPassword(password);
    }
    case 'generic': {
      const { build } = definition;
      if (!build) return new GenericContainer(definition.image).withExposedPorts(definition.port);
      try {
        // Kept after the run (not deleteOnExit): the tag is a hash of Dockerfile and base, so the
        // next run reuses it instead of downloading the drivers again.
        const built = await GenericContainer.fromDockerfile(build.context, build.dockerfile)
          .withBuildArgs(build.buildArgs)
          .build(build.tag, { deleteOnExit: false });
        return built.withExposedPorts(definition.port);
      } catch (error) {
        throw new ContainerStartError(
          'build',
          `building ${build.tag} from ${build.context}/${build.dockerfile} failed: ${describeLast(error)}`,
          { cause: error },
        );
      }
    }
  }
}

/** Turns a definition into a configured testcontainers builder (nothing is started). */
export async function builderFor(
  definition: ContainerDefinition,
  networkName: string,
  log: ContainerLog,
): Promise<GenericContainer> {
  const container = await containerFor(definition);
  if (definition.entrypoint) container.withEntrypoint(definition.entrypoint);
  if (definition.command) container.withCommand(definition.command);
  if (Object.keys(definition.env).length > 0) container.withEnvironment(definition.env);
  if (definition.wait.kind === 'healthcheck') {
    const { test, intervalMs, timeoutMs, retries } = definition.wait;
    container.withHealthCheck({ test, interval: intervalMs, timeout: timeoutMs, retries });
  }
  container
    .withWaitStrategy(waitStrategyFor(definition.wait))
    .withStartupTimeout(definition.wait.startupTimeoutMs)
    .withNetworkAliases(...definition.networkAliases)
    .withLabels(definition.labels)
    .withLogConsumer((stream) => log.attach(stream))
    // What withNetwork(startedNetwork) does, by name: the aliases are registered on this network.
    .withNetworkMode(networkName);
  return container;
}

/** The real engine: testcontainers-node, with Ryuk removing everything if this process dies. */
export const testcontainersRuntime: StackRuntime = {
  async host() {
    return (await getContainerRuntimeClient()).info.containerRuntime.host;
  },

  async startNetwork(): Promise<RunningNetwork> {
    const network = await new Network().start();
    return {
      name: network.getName(),
      stop: async () => {
        await network.stop();
      },
    };
  },

  async start(definition, network, log): Promise<RunningContainer> {
    const builder = await builderFor(definition, network.name, log);
    let started: Awaited<ReturnType<GenericContainer['start']>>;
    try {
      started = await builder.start();
    } catch (error) {
      throw new ContainerStartError('start', describeLast(error), { cause: error });
    }
    return {
      id: started.getId(),
      mappedPort: (port) => started.getMappedPort(port),
      stop: async () => {
        await started.stop();
      },
    };
  },
};
