import { afterAll, inject } from 'vitest';
import { infrastructureContexts } from '../../helpers/checks/infrastructure/context.js';
import { minioDns, minioLive, minioReady, minioTcp } from '../../helpers/checks/infrastructure/minio.js';
import { checkTest } from '../../helpers/vitest/check-test.js';
import { suiteConfig } from '../../helpers/vitest/suite-config.js';

// One set of clients for this file: connections are opened once and closed after the last check.
const infra = infrastructureContexts({ config: () => suiteConfig().config, services: () => inject('stack').services });
afterAll(() => infra.close());

checkTest(minioDns, infra.context);
checkTest(minioTcp, infra.context);
checkTest(minioLive, infra.context);
checkTest(minioReady, infra.context);
