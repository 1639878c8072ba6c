import {
  imagesPinned,
  packageFormat,
  packagePlatformSpec,
  packageReadable,
  packageStructure,
} from '../../helpers/checks/preflight/index.js';
import { gatedPreflightContext, requiresConfig } from '../../helpers/checks/preflight/spec-context.js';
import { checkTest } from '../../helpers/vitest/check-test.js';
import { suiteConfig } from '../../helpers/vitest/suite-config.js';

// The package is config.pipeline.package: PIPELINE_PACKAGE, or the reference pipeline's compiled
// YAML by default (a relative path is taken from the project root). Each check after `readable`
// skips, naming the first failed one, when the package cannot be used; all of them skip when the
// configuration is invalid (preflight.config.valid reports that).
const context = () => gatedPreflightContext(suiteConfig);

checkTest(requiresConfig(packageReadable), context);
checkTest(requiresConfig(packageFormat), context);
checkTest(requiresConfig(packageStructure), context);
checkTest(requiresConfig(packagePlatformSpec), context);
// Severity from config.pipeline.imagePinning (IMAGE_PINNING): error fails, warn passes with warnings, off skips.
checkTest(requiresConfig(imagesPinned), context);
