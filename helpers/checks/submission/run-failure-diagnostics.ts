import { runDiagnostics, type TaskDiagnostics } from '../../clients/kfp/run-diagnostics.js';
import { createKubectl, type Kubectl } from '../../clients/kube/kubectl.js';
import { diagnosePods, mostTelling, type PodCause, type PodDiagnostics } from '../../clients/kube/pod-diagnostics.js';
import type { Config } from '../../config/schema.js';

/**
 * What the checks that wait for or read a run (submission.run.succeeded, contract.kfp.run-succeeded)
 * put into their evidence when the run did not succeed: the failed (or, after a timeout, unfinished)
 * tasks from the run itself and — on a cluster — what kubectl says about their pods. Picks the most
 * telling line for the error message and the next step for the hint. Never throws: diagnostics
 * that fail must not hide the failure they were meant to explain.
 */

export interface RunFailureDiagnostics {
  runError?: string;
  failedTasks: TaskDiagnostics[];
  /** Present when tasks were still going (the wait timed out). */
  unfinishedTasks?: TaskDiagnostics[];
  /** Cluster target only: the local target runs tasks as processes, there are no pods. */
  pods?: PodDiagnostics[];
  /** What could not be found out, and why. */
  notes?: string[];
}

export interface RunFailureDiagnosis {
  diagnostics: RunFailureDiagnostics;
  /** The most telling pod's summary line, to fold into the error message. */
  headline?: string;
  /** The next step for that pod's cause. */
  hint?: string;
}

export interface DiagnoseOptions {
  config: Pick<Config, 'target' | 'kfp' | 'cluster' | 'timeouts'>;
  /** Defaults to the user's kubectl (cluster.kubectl, cluster.kubeContext) on the cluster target. */
  kubectl?: Kubectl;
  /** Pods inspected at most. Default 5. */
  maxPods?: number;
}

/** Phases that say nothing about a failure: a driver pod that did its work, a pod still running fine. */
const UNTELLING_PHASES = new Set(['Succeeded', 'Running']);

export async function diagnoseRunFailure(run: unknown, options: DiagnoseOptions): Promise<RunFailureDiagnosis> {
  const fromRun = runDiagnostics(run);
  const diagnostics: RunFailureDiagnostics = {
    ...(fromRun.error ? { runError: fromRun.error } : {}),
    failedTasks: fromRun.failedTasks,
    ...(fromRun.unfinishedTasks.length > 0 ? { unfinishedTasks: fromRun.unfinishedTasks } : {}),
  };
  const { config } = options;
  if (config.target !== 'cluster') return { diagnostics };
  if (fromRun.podNames.length === 0) {
    diagnostics.pods = [];
    diagnostics.notes = ['the run names no pods for its failed or unfinished tasks'];
    return { diagnostics };
  }

  const namespace = config.kfp.namespace;
  let pods: PodDiagnostics[];
  try {
    const kubectl =
      options.kubectl ??
      createKubectl({
        executable: config.cluster.kubectl,
        ...(config.cluster.kubeContext ? { context: config.cluster.kubeContext } : {}),
        timeoutMs: config.timeouts.requestMs,
      });
    pods = await diagnosePods(kubectl, {
      namespace,
      pods: fromRun.podNames,
      timeoutMs: config.timeouts.requestMs,
      maxPods: options.maxPods ?? 5,
    });
  } catch (error) {
    diagnostics.pods = [];
    diagnostics.notes = [`pods not inspected: ${error instanceof Error ? error.message : String(error)}`];
    return { diagnostics };
  }
  diagnostics.pods = pods;
  const notes = [...new Set(pods.flatMap((p) => p.notes))];
  if (notes.length > 0) diagnostics.notes = notes;

  const telling = mostTelling(pods.filter((p) => !(p.cause?.kind === 'phase' && UNTELLING_PHASES.has(p.cause.reason))));
  if (telling?.cause) {
    return { diagnostics, headline: telling.summary, hint: hintFor(telling.pod, namespace, telling.cause) };
  }
  const first = fromRun.podNames[0];
  return {
    diagnostics,
    ...(first && pods.every((p) => !p.cause)
      ? {
          hint: `kubectl could not tell about the pods (see the evidence's notes); look yourself: \`kubectl describe pod ${first} -n ${namespace}\``,
        }
      : {}),
  };
}

/** What to try next for a pod's cause. */
export function hintFor(pod: string, namespace: string, cause: PodCause): string {
  const describe = `\`kubectl describe pod ${pod} -n ${namespace}\``;
  const container = cause.container ?? 'main';
  switch (cause.kind) {
    case 'image-pull': {
      const image = cause.image ?? '<image>';
      return `the image ${image} cannot be pulled: check its name and tag, and the registry credentials (imagePullSecrets of the pipeline's service account); an image built locally for minikube must be loaded into the cluster: \`minikube image load ${image}\` (and pulled with imagePullPolicy IfNotPresent); details: ${describe}`;
    }
    case 'container-config':
      return `the container could not be created — usually a Secret or ConfigMap it references is missing in ${namespace}: ${describe}`;
    case 'oom':
      return `container ${container} ran out of memory: raise the component's memory limit (\`.set_memory_limit(...)\` on the task in the pipeline) or give the node more memory (\`minikube start --memory …\`); details: ${describe}`;
    case 'crash-loop':
      return `container ${container} keeps crashing: \`kubectl logs ${pod} -n ${namespace} -c ${container} --previous\` shows why`;
    case 'unschedulable':
      return `no node can take the pod (resource requests, node selectors, taints): ${describe}; on minikube give it more with \`minikube start --cpus … --memory …\``;
    case 'exit':
      return `the component failed: its last log lines are in the evidence; the whole log: \`kubectl logs ${pod} -n ${namespace} -c ${container}\``;
    case 'pod':
      return `the pod was stopped by Kubernetes (${cause.reason}): ${describe}; evictions point at node pressure (disk, memory)`;
    default:
      return `${describe} and \`kubectl logs ${pod} -n ${namespace} --all-containers\``;
  }
}
