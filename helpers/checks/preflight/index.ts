import type { Check } from '../check.js';
import { configValid } from './config-valid.js';
import type { PreflightContext } from './context.js';
import { environmentVersions } from './environment-versions.js';
import { imagesPinned } from './images-pinned.js';
import { packageFormat, packagePlatformSpec, packageReadable, packageStructure } from './package-checks.js';
import { parametersKnown, parametersRequired, parametersTypes } from './parameter-checks.js';

export { withConfigHint } from './config-valid.js';
export { type PreflightContext, preflightContextOf } from './context.js';
export { parseParamEntries, parseParamList } from './runtime-params.js';
export {
  configValid,
  environmentVersions,
  imagesPinned,
  packageFormat,
  packagePlatformSpec,
  packageReadable,
  packageStructure,
  parametersKnown,
  parametersRequired,
  parametersTypes,
};

/** Every preflight check, in the order the specs and `kfp-e2e preflight` run them. */
export const preflightChecks: readonly Check<PreflightContext>[] = [
  configValid,
  environmentVersions,
  packageReadable,
  packageFormat,
  packageStructure,
  packagePlatformSpec,
  imagesPinned,
  parametersKnown,
  parametersTypes,
  parametersRequired,
];
