import { inject } from 'vitest';
import { clusterPreflightChecks } from '../../helpers/checks/preflight/cluster/index.js';
import { gatedClusterContext, requiresConfig } from '../../helpers/checks/preflight/spec-context.js';
import { checkTest } from '../../helpers/vitest/check-test.js';
import { suiteConfig } from '../../helpers/vitest/suite-config.js';

// Cluster target only (each check skips, saying so, for the local target). The global setup has
// already tried to discover the endpoints not given through kubectl and port-forwarded them; the
// first check fails, with one message naming what to set or start, when endpoints are still missing.
const context = () => gatedClusterContext(suiteConfig, inject('stack').cluster);

for (const check of clusterPreflightChecks) checkTest(requiresConfig(check), context);
