import type { Check } from '../../check.js';
import { clusterEndpoints } from './cluster-endpoints.js';
import type { ClusterPreflightContext } from './context.js';
import { imagesReachable } from './images-reachable.js';
import { kfpServer } from './kfp-server.js';
import { kubeContext } from './kube-context.js';

export { type ClusterPreflightContext, clusterPreflightContextOf, runningInCluster } from './context.js';
export { clusterEndpoints, imagesReachable, kfpServer, kubeContext };

/** The cluster preflight checks in order: the endpoints first, everything else depends on them. */
export const clusterPreflightChecks: readonly Check<ClusterPreflightContext>[] = [
  clusterEndpoints,
  kubeContext,
  kfpServer,
  imagesReachable,
];
