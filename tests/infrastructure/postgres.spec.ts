import { afterAll, inject } from 'vitest';
import { infrastructureContexts } from '../../helpers/checks/infrastructure/context.js';
import {
  postgresConnect,
  postgresDns,
  postgresMlflowSchema,
  postgresTcp,
} from '../../helpers/checks/infrastructure/postgres.js';
import { checkTest } from '../../helpers/vitest/check-test.js';
import { suiteConfig } from '../../helpers/vitest/suite-config.js';

// One set of clients for this file: connections are opened once and closed after the last check.
const infra = infrastructureContexts({ config: () => suiteConfig().config, services: () => inject('stack').services });
afterAll(() => infra.close());

checkTest(postgresDns, infra.context);
checkTest(postgresTcp, infra.context);
checkTest(postgresConnect, infra.context);
checkTest(postgresMlflowSchema, infra.context);
