import { pass } from '../check.js';
import { httpEvidence } from './evidence.js';
import { dnsCheck, tcpCheck } from './reachability.js';
import { serviceCheck } from './service-check.js';

export const gatewayDns = dnsCheck('gateway');
export const gatewayTcp = tcpCheck('gateway');

export const gatewayHealth = serviceCheck({
  id: 'infrastructure.gateway.health',
  title: 'Model gateway health endpoint answers 200',
  needs: ['gateway'],
  async run({ clients, timeoutMs, evidence }) {
    const gateway = clients.gateway;
    if (!gateway) throw new Error('no gateway endpoint configured'); // serviceCheck skips this case first
    evidence.endpoint = gateway.endpoint;
    const response = await gateway.health({ timeoutMs });
    Object.assign(evidence, httpEvidence(response));
    // A JSON body is kept whole (status, model loaded...): it is what the gateway says about itself.
    if (response.body !== null && typeof response.body === 'object') evidence.body = response.body;
    return pass(evidence);
  },
});

export const gatewayChecks = [gatewayDns, gatewayTcp, gatewayHealth];
