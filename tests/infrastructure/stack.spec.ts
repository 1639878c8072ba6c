import { inject } from 'vitest';
import { stackStarted } from '../../helpers/checks/infrastructure/stack-started.js';
import { checkTest } from '../../helpers/vitest/check-test.js';

checkTest(stackStarted, () => ({ stack: inject('stack') }));
