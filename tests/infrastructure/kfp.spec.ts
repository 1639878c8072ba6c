import { afterAll, inject } from 'vitest';
import { infrastructureContexts } from '../../helpers/checks/infrastructure/context.js';
import { kfpDns, kfpHealthz, kfpTcp } from '../../helpers/checks/infrastructure/kfp.js';
import { checkTest } from '../../helpers/vitest/check-test.js';
import { suiteConfig } from '../../helpers/vitest/suite-config.js';

// One set of clients for this file: connections are opened once and closed after the last check.
const infra = infrastructureContexts({ config: () => suiteConfig().config, services: () => inject('stack').services });
afterAll(() => infra.close());

checkTest(kfpDns, infra.context);
checkTest(kfpTcp, infra.context);
checkTest(kfpHealthz, infra.context);
