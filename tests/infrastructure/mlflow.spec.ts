import { afterAll, inject } from 'vitest';
import { infrastructureContexts } from '../../helpers/checks/infrastructure/context.js';
import {
  mlflowApi,
  mlflowDns,
  mlflowHealth,
  mlflowTcp,
  mlflowVersion,
} from '../../helpers/checks/infrastructure/mlflow.js';
import { checkTest } from '../../helpers/vitest/check-test.js';
import { suiteConfig } from '../../helpers/vitest/suite-config.js';

// One set of clients for this file: connections are opened once and closed after the last check.
const infra = infrastructureContexts({ config: () => suiteConfig().config, services: () => inject('stack').services });
afterAll(() => infra.close());

checkTest(mlflowDns, infra.context);
checkTest(mlflowTcp, infra.context);
checkTest(mlflowHealth, infra.context);
checkTest(mlflowVersion, infra.context);
checkTest(mlflowApi, infra.context);
