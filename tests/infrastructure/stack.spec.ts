import { inject } from 'vitest';
import { stackStarted } from '../../helpers/checks/infrastructure/stack-started.js';
import { readForwardsDown } from '../../helpers/report/run-context.js';
import { checkTest } from '../../helpers/vitest/check-test.js';

// Cluster target: a port-forward that died since the global setup opened it fails this check.
checkTest(stackStarted, () => ({ stack: inject('stack'), forwardsDown: readForwardsDown() }));
