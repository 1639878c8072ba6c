import { parametersKnown, parametersRequired, parametersTypes } from '../../helpers/checks/preflight/index.js';
import { gatedPreflightContext, requiresConfig } from '../../helpers/checks/preflight/spec-context.js';
import { checkTest } from '../../helpers/vitest/check-test.js';
import { suiteConfig } from '../../helpers/vitest/suite-config.js';

// The runtime parameters to check come from E2E_PARAMS: comma-separated name=value entries, with
// JSON for LIST and STRUCT values, e.g. E2E_PARAMS='epochs=5,tags=["a","b"],extra={"x":1,"y":2}'.
// A comma starts a new entry only where `name=` follows it. Malformed entries fail `known`.
const context = () => gatedPreflightContext(suiteConfig);

checkTest(requiresConfig(parametersKnown), context);
checkTest(requiresConfig(parametersTypes), context);
checkTest(requiresConfig(parametersRequired), context);
