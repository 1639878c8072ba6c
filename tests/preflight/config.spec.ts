import { configValid, environmentVersions } from '../../helpers/checks/preflight/index.js';
import { preflightContext } from '../../helpers/checks/preflight/spec-context.js';
import { PROJECT_ROOT } from '../../helpers/stack/project-paths.js';
import { checkTest } from '../../helpers/vitest/check-test.js';
import { suiteConfig } from '../../helpers/vitest/suite-config.js';

// The configuration as every spec sees it (environment, config file, preset, local stack). When it
// cannot even be resolved, building the context fails this check with the full issue list.
checkTest(configValid, () => preflightContext(suiteConfig));

// Versions need no configuration, so they are recorded even when the configuration is invalid.
checkTest(environmentVersions, () => ({ projectRoot: PROJECT_ROOT }));
