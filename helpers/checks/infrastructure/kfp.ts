import { pass } from '../check.js';
import { dnsCheck, tcpCheck } from './reachability.js';
import { serviceCheck } from './service-check.js';

export const kfpDns = dnsCheck('kfp');
export const kfpTcp = tcpCheck('kfp');

export const kfpHealthz = serviceCheck({
  id: 'infrastructure.kfp.healthz',
  title: 'KFP API v2beta1 healthz answers',
  needs: ['kfp'],
  async run({ clients, timeoutMs, evidence }) {
    const kfp = clients.kfp;
    if (!kfp) throw new Error('no KFP endpoint configured'); // serviceCheck skips this case first
    evidence.endpoint = kfp.endpoint;
    const response = await kfp.healthz({ timeoutMs });
    const h = response.body;
    Object.assign(evidence, {
      url: response.url,
      status: response.status,
      latencyMs: response.latencyMs,
      // proto3 JSON omits false: an absent multi_user means single-user mode.
      multiUser: h.multi_user ?? false,
      ...(h.commit_sha ? { commitSha: h.commit_sha } : {}),
      ...(h.tag_name ? { tagName: h.tag_name } : {}),
      ...(h.pipeline_store ? { pipelineStore: h.pipeline_store } : {}),
    });
    return pass(evidence);
  },
});

export const kfpChecks = [kfpDns, kfpTcp, kfpHealthz];
