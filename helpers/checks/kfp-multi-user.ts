import { authFromConfig, hasToken } from '../clients/kfp/auth.js';
import type { ConfigSource } from '../config/config-error.js';
import type { Config } from '../config/schema.js';

/**
 * What a multi-user KFP needs that a single-user one does not: a profile namespace the user chose
 * (the preset's `kubeflow` is where KFP itself lives, never a user's profile — runs there are
 * refused, or land where the user cannot see them) and an identity: a bearer token, or the
 * user-id header the Istio front door normally sets. Shared by preflight.kfp.server and
 * submission.kfp.healthy, so both say the same thing.
 */
export function multiUserGaps(
  config: Config,
  sources: Readonly<Record<string, ConfigSource>> | undefined,
): { error: string; hint: string } | undefined {
  // Without sources (a caller that cannot tell), every value counts as given.
  if (sources?.['kfp.namespace'] !== 'default') return undefined;
  const auth = authFromConfig(config.kfp);
  const noIdentity = !(auth.userIdHeader && auth.userId) && !hasToken(auth);
  return {
    error: `runs belong to a profile namespace; set KFP_NAMESPACE to yours (e.g. kubeflow-user-example-com) — it is unset, so the preset's "${config.kfp.namespace}" would be used${
      noIdentity
        ? '. No user identity is configured either: set KFP_USER_ID_HEADER=kubeflow-userid and KFP_USER_ID=<you@example.com> (requests through the Istio gateway), or a bearer token (KFP_TOKEN, KFP_TOKEN_FILE or KFP_TOKEN_COMMAND)'
        : ''
    }`,
    hint: `\`kubectl get profiles\` lists the profiles (each owns a namespace of the same name)${
      noIdentity
        ? '; for a token of the profile, set KFP_TOKEN_COMMAND to `kubectl create token default-editor -n <profile-namespace> --audience pipelines.kubeflow.org`'
        : ''
    }`,
  };
}
