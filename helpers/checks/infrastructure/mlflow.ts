import { HintedError, pass } from '../check.js';
import { httpEvidence } from './evidence.js';
import { dnsCheck, tcpCheck } from './reachability.js';
import { serviceCheck } from './service-check.js';

export const mlflowDns = dnsCheck('mlflow');
export const mlflowTcp = tcpCheck('mlflow');

export const mlflowHealth = serviceCheck({
  id: 'infrastructure.mlflow.health',
  title: 'MLflow health endpoint answers OK',
  needs: ['mlflow'],
  async run({ clients, timeoutMs, evidence }) {
    evidence.endpoint = clients.mlflow.endpoint;
    const response = await clients.mlflow.health({ timeoutMs });
    Object.assign(evidence, httpEvidence(response));
    if (response.body.trim() !== 'OK') {
      throw new HintedError(
        `GET ${response.url}: expected "OK", saw ${JSON.stringify(response.body.slice(0, 80))}`,
        'another service answers on this port — check MLFLOW_TRACKING_URI',
      );
    }
    return pass(evidence);
  },
});

/** A release version such as 3.17.2 or 3.0.0rc1. */
const VERSION = /^\d+\.\d+(\.\d+)?\S*$/;

export const mlflowVersion = serviceCheck({
  id: 'infrastructure.mlflow.version',
  title: 'MLflow reports its version',
  needs: ['mlflow'],
  async run({ clients, timeoutMs, evidence }) {
    evidence.endpoint = clients.mlflow.endpoint;
    const response = await clients.mlflow.version({ timeoutMs });
    Object.assign(evidence, httpEvidence(response));
    if (!VERSION.test(response.body)) {
      throw new HintedError(
        `GET ${response.url}: expected a version such as 3.1.0, saw ${JSON.stringify(response.body.slice(0, 80))}`,
        'another service answers on this port, or an MLflow older than 2.x — check MLFLOW_TRACKING_URI',
      );
    }
    evidence.version = response.body;
    return pass(evidence);
  },
});

export const mlflowApi = serviceCheck({
  id: 'infrastructure.mlflow.api',
  title: 'MLflow REST API answers an (authenticated) experiments search',
  needs: ['mlflow'],
  async run({ config, clients, timeoutMs, evidence }) {
    evidence.endpoint = clients.mlflow.endpoint;
    evidence.authenticated = config.mlflow.token !== undefined;
    const response = await clients.mlflow.searchExperiments({ maxResults: 5 }, { timeoutMs });
    const { experiments } = response.body;
    Object.assign(evidence, {
      url: response.url,
      status: response.status,
      latencyMs: response.latencyMs,
      experimentsSeen: experiments.length,
      experiments: experiments.map((e) => ({ id: e.experiment_id, name: e.name, lifecycleStage: e.lifecycle_stage })),
      morePages: Boolean(response.body.next_page_token),
    });
    return pass(evidence);
  },
});

export const mlflowChecks = [mlflowDns, mlflowTcp, mlflowHealth, mlflowVersion, mlflowApi];
