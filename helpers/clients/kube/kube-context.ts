import { z } from 'zod';
import { HintedError } from '../../checks/check.js';
import { maskText } from '../../config/mask.js';
import { type Kubectl, KubectlError } from './kubectl.js';

/**
 * The kube context as kubectl sees it: which one is current, whether its API server answers (and
 * with which version), and whether a namespace exists. Facts only; deciding what they mean for
 * the run is the cluster checks' job.
 */

export type KubeReachability =
  | { status: 'reachable'; context: string; serverVersion?: string }
  | { status: 'unreachable'; reason: string };

/** `kubectl config current-context`: local, no API call. Throws KubectlError (exit) when none is set. */
export async function currentContext(kubectl: Kubectl, options: { timeoutMs?: number } = {}): Promise<string> {
  const name = (await kubectl.run(['config', 'current-context'], options)).trim();
  if (!name) throw new KubectlError('kubectl config current-context printed nothing', undefined, 'exit');
  return name;
}

const VersionSchema = z.object({
  clientVersion: z.object({ gitVersion: z.string() }).partial().optional(),
  serverVersion: z.object({ gitVersion: z.string() }).optional(),
});

/**
 * The server's gitVersion from `kubectl version -o json` (e.g. `v1.30.0`). Throws a HintedError when
 * the output is not that JSON or carries no serverVersion (kubectl printed only its own version).
 */
export function parseServerVersion(stdout: string): string {
  let data: unknown;
  try {
    data = JSON.parse(stdout);
  } catch {
    throw new HintedError(
      `kubectl version -o json: expected JSON, got ${JSON.stringify(maskText(stdout.slice(0, 200)))}`,
      'is the KUBECTL executable really kubectl?',
    );
  }
  const parsed = VersionSchema.safeParse(data);
  if (!parsed.success) {
    throw new HintedError(
      `kubectl version -o json: unexpected shape (${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')})`,
    );
  }
  if (!parsed.data.serverVersion) {
    throw new HintedError('kubectl version -o json: no serverVersion (the API server did not answer)');
  }
  return parsed.data.serverVersion.gitVersion;
}

/** `kubectl version -o json`: the API server's version; throws KubectlError when it does not answer. */
export async function serverVersion(kubectl: Kubectl, options: { timeoutMs?: number } = {}): Promise<string> {
  return parseServerVersion(await kubectl.run(['version', '-o', 'json'], options));
}

/**
 * `kubectl get namespace <ns> -o json`: true when it exists, false on NotFound. Any other failure
 * (Forbidden, timeout, no answer) is thrown as the KubectlError, since it tells nothing about the namespace.
 */
export async function namespaceExists(
  kubectl: Kubectl,
  namespace: string,
  options: { timeoutMs?: number } = {},
): Promise<boolean> {
  try {
    await kubectl.run(['get', 'namespace', namespace, '-o', 'json'], options);
    return true;
  } catch (error) {
    if (error instanceof KubectlError && error.notFound) return false;
    throw error;
  }
}

export interface ProbeOptions {
  /** The context to use (config `cluster.kubeContext`); otherwise the current one is asked for. */
  context?: string;
  /**
   * Bound of the whole probe (current context and API server answer together): a cluster that is
   * down must cost seconds, not kubectl's default of minutes.
   */
  timeoutMs: number;
}

/**
 * Whether a kube context answers. Never throws: an unreachable cluster is an answer, and its reason
 * names what failed — kubectl missing, no current context, or an API server that did not answer.
 */
export async function probeKubeContext(kubectl: Kubectl, options: ProbeOptions): Promise<KubeReachability> {
  const started = Date.now();
  // Each step gets what is left of the one budget, so the steps together stay within it.
  const remaining = () => Math.max(1, options.timeoutMs - (Date.now() - started));
  const budget = `${Math.round(options.timeoutMs / 100) / 10} s`;
  let context = options.context;
  if (!context) {
    try {
      context = await currentContext(kubectl, { timeoutMs: remaining() });
    } catch (error) {
      return {
        status: 'unreachable',
        reason: describeFailure(error, {
          failed: 'no current kube context',
          timedOut: `kubectl config current-context did not answer within ${budget}`,
        }),
      };
    }
  }
  try {
    const version = await serverVersion(kubectl, { timeoutMs: remaining() });
    return { status: 'reachable', context, serverVersion: version };
  } catch (error) {
    return {
      status: 'unreachable',
      reason: describeFailure(error, {
        failed: `API server of context ${context} did not answer`,
        timedOut: `API server of context ${context} did not answer within ${budget}`,
      }),
    };
  }
}

function describeFailure(error: unknown, text: { failed: string; timedOut: string }): string {
  if (error instanceof KubectlError) {
    if (error.reason === 'not-found') return error.message;
    if (error.reason === 'timeout') return text.timedOut;
    return maskText(`${text.failed}: ${error.detail}`);
  }
  return maskText(`${text.failed}: ${error instanceof Error ? error.message : String(error)}`);
}
