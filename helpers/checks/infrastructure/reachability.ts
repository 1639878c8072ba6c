import { resolveHost, tcpConnect } from '../../clients/network.js';
import type { Check } from '../check.js';
import { pass } from '../check.js';
import { type InfrastructureContext, SERVICE_LABELS, type ServiceName, serviceAddress } from './context.js';
import { serviceCheck } from './service-check.js';

/** The two questions below every protocol, asked the same way for each service. */

/** `infrastructure.<service>.dns`: the service's host name resolves. */
export function dnsCheck(service: ServiceName): Check<InfrastructureContext> {
  return serviceCheck({
    id: `infrastructure.${service}.dns`,
    title: `${SERVICE_LABELS[service]} host name resolves`,
    needs: [service],
    async run({ config, timeoutMs, evidence }) {
      const address = required(serviceAddress(config, service));
      evidence.endpoint = address.display;
      evidence.host = address.host;
      const resolved = await resolveHost(address.host, { timeoutMs });
      evidence.addresses = resolved.addresses.map((a) => a.address);
      evidence.literal = resolved.literal;
      evidence.latencyMs = resolved.latencyMs;
      return pass(evidence);
    },
  });
}

/** `infrastructure.<service>.tcp`: something accepts connections on the service's port. */
export function tcpCheck(service: ServiceName): Check<InfrastructureContext> {
  return serviceCheck({
    id: `infrastructure.${service}.tcp`,
    title: `${SERVICE_LABELS[service]} port accepts TCP connections`,
    needs: [service],
    async run({ config, timeoutMs, evidence }) {
      const address = required(serviceAddress(config, service));
      evidence.endpoint = address.display;
      const connected = await tcpConnect(address.host, address.port, { timeoutMs });
      evidence.remoteAddress = connected.remoteAddress;
      evidence.port = connected.port;
      evidence.latencyMs = connected.latencyMs;
      return pass(evidence);
    },
  });
}

/** serviceCheck skips a service without an address before the body runs; this only narrows the type. */
function required<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('no endpoint configured');
  return value;
}
