import { afterAll, inject } from 'vitest';
import { infrastructureContexts } from '../../helpers/checks/infrastructure/context.js';
import { s3BucketsExist, s3ListBuckets, s3ProbeObject } from '../../helpers/checks/infrastructure/s3.js';
import { checkTest } from '../../helpers/vitest/check-test.js';
import { suiteConfig } from '../../helpers/vitest/suite-config.js';

// One set of clients for this file: connections are opened once and closed after the last check.
const infra = infrastructureContexts({ config: () => suiteConfig().config, services: () => inject('stack').services });
afterAll(() => infra.close());

checkTest(s3ListBuckets, infra.context);
checkTest(s3BucketsExist, infra.context);
checkTest(s3ProbeObject, infra.context);
