import { collectVersions } from '../../report/versions.js';
import { type Check, pass } from '../check.js';
import type { PreflightContext } from './context.js';

/**
 * Records the versions the run used. It only observes, so it passes whatever it finds; what is
 * absent is named in `notes` so a reader knows it was looked for.
 */
export const environmentVersions: Check<Pick<PreflightContext, 'projectRoot'>> = {
  id: 'preflight.environment.versions',
  stage: 'preflight',
  title: 'tool versions are recorded',
  run(ctx) {
    const versions = collectVersions(ctx.projectRoot);
    const notes: string[] = [];
    if (!versions.kfpSdk)
      notes.push('KFP SDK: no kfp-*.dist-info in the project venv (.stack/venv); run `npm run setup` to install it');
    if (!versions.gitCommit) notes.push('git commit: not a git checkout with a commit, or git is not installed');
    return pass({ ...versions, ...(notes.length > 0 ? { notes } : {}) });
  },
};
