import { z } from 'zod';
import { HintedError } from '../../checks/check.js';
import { maskText } from '../../config/mask.js';
import type { ServiceKey } from '../../config/presets.js';
import { type Kubectl, KubectlError } from './kubectl.js';

/**
 * Kubernetes services as `kubectl get service -o json` describes them, and which of a service's
 * ports the suite forwards to for each role it plays.
 */

const ServicePortSchema = z.object({
  name: z.string().optional(),
  port: z.number().int().min(1).max(65535),
  // A number, or the name of a container port.
  targetPort: z.union([z.number().int(), z.string()]).optional(),
  protocol: z.string().default('TCP'),
});

const ServiceSchema = z.object({
  kind: z.literal('Service').optional(),
  metadata: z.object({ name: z.string(), namespace: z.string().optional() }),
  spec: z.object({
    type: z.string().optional(),
    selector: z.record(z.string(), z.string()).optional(),
    ports: z.array(ServicePortSchema).optional(),
  }),
});

export type ServicePort = z.infer<typeof ServicePortSchema>;

export interface KubeService {
  name: string;
  namespace: string;
  /** ClusterIP, NodePort, LoadBalancer, ExternalName. */
  type: string;
  /** Whether the service selects pods: `kubectl port-forward service/…` needs one to forward to. */
  hasSelector: boolean;
  ports: ServicePort[];
}

/** Parses `kubectl get service <name> -n <ns> -o json`; a HintedError names what did not fit. */
export function parseService(stdout: string, namespace: string): KubeService {
  let data: unknown;
  try {
    data = JSON.parse(stdout);
  } catch {
    throw new HintedError(
      `kubectl get service -o json: expected JSON, got ${JSON.stringify(maskText(stdout.slice(0, 200)))}`,
      'is the KUBECTL executable really kubectl?',
    );
  }
  const parsed = ServiceSchema.safeParse(data);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new HintedError(`kubectl get service -o json: not a Service (${issues})`);
  }
  const { metadata, spec } = parsed.data;
  return {
    name: metadata.name,
    namespace: metadata.namespace ?? namespace,
    type: spec.type ?? 'ClusterIP',
    hasSelector: Object.keys(spec.selector ?? {}).length > 0,
    ports: spec.ports ?? [],
  };
}

/**
 * `kubectl get service <name> -n <ns> -o json`. Undefined when the service does not exist; any
 * other failure (no answer, Forbidden, bad output) is thrown.
 */
export async function getService(
  kubectl: Kubectl,
  name: string,
  namespace: string,
  options: { timeoutMs?: number } = {},
): Promise<KubeService | undefined> {
  let stdout: string;
  try {
    stdout = await kubectl.run(['get', 'service', name, '-n', namespace, '-o', 'json'], options);
  } catch (error) {
    if (error instanceof KubectlError && error.notFound) return undefined;
    throw error;
  }
  return parseService(stdout, namespace);
}

/** One preference of a port rule: a port by its name or by its number. */
export type PortPreference = { name: string } | { port: number };

export interface PortRule {
  /** Tried in order; the first TCP port that matches wins. */
  prefer: readonly PortPreference[];
  /** When nothing matches and the service has exactly one TCP port, take it. */
  onlyPort: boolean;
}

/**
 * Which port of a service the suite forwards to, per role. The numbers are the services' ports in a
 * standard install (ml-pipeline: `http` 8888 beside `grpc` 8887; ml-pipeline-ui: 80, its pod 3000;
 * minio-service: 9000 beside the console; postgres: 5432). MLflow and the gateway are often
 * installed by hand on other ports, so a single-port service is taken whatever its number.
 */
export const PORT_RULES: Readonly<Record<ServiceKey, PortRule>> = {
  kfp: { prefer: [{ name: 'http' }, { port: 8888 }], onlyPort: false },
  kfpUi: { prefer: [{ port: 80 }, { port: 3000 }], onlyPort: false },
  minio: { prefer: [{ port: 9000 }], onlyPort: false },
  mlflow: { prefer: [{ port: 5000 }], onlyPort: true },
  gateway: { prefer: [{ port: 8000 }], onlyPort: true },
  postgres: { prefer: [{ port: 5432 }], onlyPort: false },
};

/** The rule in words, for messages: "the port named http, else port 8888". */
export function describePortRule(rule: PortRule): string {
  const parts = rule.prefer.map((p) => ('name' in p ? `the port named ${p.name}` : `port ${p.port}`));
  if (rule.onlyPort) parts.push('its only port');
  return parts.join(', else ');
}

export type PortChoice = { ok: true; port: ServicePort } | { ok: false; reason: string };

/**
 * The port to forward to for a role, or why there is none: the service cannot be port-forwarded
 * (ExternalName, no selector) or no port fits the role's rule. Only TCP ports count: port-forward
 * carries TCP alone.
 */
export function choosePort(role: ServiceKey, service: KubeService): PortChoice {
  const what = `service ${service.name} in namespace ${service.namespace}`;
  if (service.type === 'ExternalName') {
    return { ok: false, reason: `${what} is of type ExternalName: it has no pods to port-forward to` };
  }
  if (!service.hasSelector) {
    return { ok: false, reason: `${what} has no selector: kubectl cannot port-forward to it` };
  }
  const tcp = service.ports.filter((p) => p.protocol.toUpperCase() === 'TCP');
  const rule = PORT_RULES[role];
  for (const preference of rule.prefer) {
    const found = tcp.find((p) => ('name' in preference ? p.name === preference.name : p.port === preference.port));
    if (found) return { ok: true, port: found };
  }
  const [only] = tcp;
  if (rule.onlyPort && only && tcp.length === 1) return { ok: true, port: only };
  const seen = tcp.length
    ? tcp.map((p) => (p.name ? `${p.name}:${p.port}` : String(p.port))).join(', ')
    : 'no TCP port';
  return { ok: false, reason: `${what} has no port for ${role} (expected ${describePortRule(rule)}; has ${seen})` };
}
