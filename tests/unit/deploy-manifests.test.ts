import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { imagePinning } from '../../helpers/checks/preflight/image-ref.js';
import { CONFIG_KEYS } from '../../helpers/config/keys.js';
import { DEFAULT_NAMESPACE, DEFAULT_SERVICES, presetDefaults, type ServiceKey } from '../../helpers/config/presets.js';
import { PROJECT_ROOT } from '../../helpers/stack/project-paths.js';
import { VERSIONS } from '../../helpers/stack/topology.js';

/**
 * deploy/minikube is what a user applies next to KFP standalone; nothing here can apply it, so these
 * tests hold it to what the suite assumes: the service names and ports it defaults to, settings that
 * are real configuration keys with the `cluster` preset's values, pinned images, wiring that points
 * at keys that exist, and an MLflow that accepts the Host headers pods and port-forwards send.
 */

const DIR = join(PROJECT_ROOT, 'deploy', 'minikube');
const IMAGES_DIR = join(PROJECT_ROOT, 'deploy', 'images');

/** Kubernetes objects, read as parsed YAML. */
type K8s = any;

interface Manifest {
  file: string;
  doc: K8s;
}

function parseFile(file: string): Manifest[] {
  const docs = parseAllDocuments(readFileSync(join(DIR, file), 'utf8'));
  return docs.map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
    return { file, doc: doc.toJS() };
  });
}

const manifestFiles = readdirSync(DIR)
  .filter((name) => name.endsWith('.yaml') && name !== 'kustomization.yaml')
  .sort();
const manifests = manifestFiles.flatMap(parseFile);
const kustomization = parseFile('kustomization.yaml')[0]?.doc;

const ofKind = (kind: string) => manifests.filter((m) => m.doc.kind === kind).map((m) => m.doc);
const named = (kind: string, name: string): K8s => {
  const found = ofKind(kind).find((doc) => doc.metadata.name === name);
  expect(found, `${kind} ${name} in deploy/minikube`).toBeDefined();
  return found;
};
const podSpecs = (): Array<{ owner: string; spec: K8s }> =>
  ofKind('Deployment')
    .concat(ofKind('Job'))
    .map((doc) => ({ owner: `${doc.kind} ${doc.metadata.name}`, spec: doc.spec.template.spec }));
const containersOf = (spec: K8s): K8s[] => [...(spec.initContainers ?? []), ...spec.containers];

const clusterPreset = presetDefaults('cluster', DEFAULT_NAMESPACE);
const keyByEnv = new Map(CONFIG_KEYS.map((key) => [key.env, key]));
const urlPort = (url: unknown) => Number(new URL(String(url)).port);

/** The in-cluster port of each service the suite reaches, as the `cluster` preset builds its URLs. */
const presetPorts: Record<ServiceKey, number> = {
  kfp: urlPort(clusterPreset['kfp.host']),
  kfpUi: urlPort(clusterPreset['kfp.uiHost']),
  minio: urlPort(clusterPreset['minio.endpoint']),
  mlflow: urlPort(clusterPreset['mlflow.trackingUri']),
  gateway: urlPort(clusterPreset['gateway.url']),
  postgres: Number(clusterPreset['postgres.port']),
};

/** MLflow's Host check (mlflow/server/security_utils.py): fnmatch when the pattern has `*`, else equality. */
function hostAllowed(patterns: string[], host: string): boolean {
  return patterns.some((pattern) =>
    pattern.includes('*')
      ? new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`).test(host)
      : pattern === host,
  );
}
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Kilo/mega quantities of requests and limits: cpu in millicores, memory in MiB. */
function millicores(quantity: string): number {
  return quantity.endsWith('m') ? Number(quantity.slice(0, -1)) : Number(quantity) * 1000;
}
function mebibytes(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)(Mi|Gi)$/.exec(quantity);
  if (!match) throw new Error(`memory quantity ${quantity}: use Mi or Gi`);
  return Number(match[1]) * (match[2] === 'Gi' ? 1024 : 1);
}

describe('deploy/minikube manifests', () => {
  it('every file parses, every object has a kind, a name and the namespace kubeflow', () => {
    expect(manifestFiles.length).toBeGreaterThanOrEqual(5);
    for (const { file, doc } of manifests) {
      expect(doc.apiVersion, file).toEqual(expect.any(String));
      expect(doc.kind, file).toEqual(expect.any(String));
      expect(doc.metadata?.name, `${file} ${doc.kind}`).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      expect(doc.metadata?.namespace, `${file} ${doc.kind} ${doc.metadata.name}`).toBe(DEFAULT_NAMESPACE);
    }
    const ids = manifests.map(({ doc }) => `${doc.kind}/${doc.metadata.name}`);
    expect(new Set(ids).size, 'no object defined twice').toBe(ids.length);
  });

  it('the kustomization lists exactly the manifest files, in namespace kubeflow', () => {
    expect(kustomization.kind).toBe('Kustomization');
    expect(kustomization.namespace).toBe(DEFAULT_NAMESPACE);
    expect([...kustomization.resources].sort()).toEqual(manifestFiles);
  });

  it.skipIf(!commandExists('kubectl'))('kubectl kustomize builds it (offline) into the same objects', () => {
    const built = parseAllDocuments(execFileSync('kubectl', ['kustomize', DIR], { encoding: 'utf8', timeout: 60_000 }));
    const ids = built.map((doc) => doc.toJS()).map((doc: K8s) => `${doc.kind}/${doc.metadata.name}`);
    expect(ids.sort()).toEqual(manifests.map(({ doc }) => `${doc.kind}/${doc.metadata.name}`).sort());
  });

  it('Services carry the names and ports kfp-e2e defaults to; KFP keeps its own', () => {
    const deployed: ServiceKey[] = ['mlflow', 'gateway', 'postgres'];
    for (const key of deployed) {
      const service = named('Service', DEFAULT_SERVICES[key]);
      expect(
        service.spec.ports.map((p: K8s) => p.port),
        `${DEFAULT_SERVICES[key]} port`,
      ).toEqual([presetPorts[key]]);
    }
    // ml-pipeline, ml-pipeline-ui and minio-service come from KFP standalone: defining them would fight it.
    const fromKfp = (['kfp', 'kfpUi', 'minio'] as const).map((key) => DEFAULT_SERVICES[key]);
    expect(ofKind('Service').filter((s) => fromKfp.includes(s.metadata.name))).toEqual([]);
  });

  it('each Service selects the pods of a Deployment and targets a port they expose', () => {
    for (const service of ofKind('Service')) {
      const selector = service.spec.selector as Record<string, string>;
      const deployment = ofKind('Deployment').find((d) =>
        Object.entries(selector).every(([k, v]) => d.spec.template.metadata.labels?.[k] === v),
      );
      expect(deployment, `a Deployment behind Service ${service.metadata.name}`).toBeDefined();
      const ports = deployment.spec.template.spec.containers.flatMap((c: K8s) => c.ports ?? []);
      for (const { targetPort } of service.spec.ports) {
        expect(
          ports.some((p: K8s) => p.name === targetPort || p.containerPort === targetPort),
          `${service.metadata.name} targetPort ${targetPort}`,
        ).toBe(true);
      }
      for (const [k, v] of Object.entries(deployment.spec.selector.matchLabels)) {
        expect(deployment.spec.template.metadata.labels[k], `${deployment.metadata.name} selector`).toBe(v);
      }
    }
  });

  it('every image is pinned (a version tag or a digest, never latest) and is the one the project builds', () => {
    const componentImage = /COMPONENT_IMAGE = "([^"]+)"/.exec(
      readFileSync(join(PROJECT_ROOT, 'fixtures/poblesec/poblesec/components.py'), 'utf8'),
    )?.[1];
    const known = new Set([componentImage, `ghcr.io/kfp-e2e/mlflow:${VERSIONS.mlflow}`, VERSIONS.postgresImage]);
    for (const { owner, spec } of podSpecs()) {
      for (const container of containersOf(spec)) {
        const pinning = imagePinning(container.image);
        expect(pinning.pinned, `${owner} ${container.name}: ${container.image}`).toBe(true);
        expect(known.has(container.image), `${owner} ${container.name}: ${container.image} is a project image`).toBe(
          true,
        );
        expect(container.imagePullPolicy, `${owner} ${container.name}: use the image loaded into minikube`).toBe(
          'IfNotPresent',
        );
      }
    }
  });

  it('the ConfigMap kfp-e2e-config holds only non-secret config env vars, with the cluster preset values', () => {
    const data = named('ConfigMap', 'kfp-e2e-config').data as Record<string, string>;
    expect(Object.keys(data).length).toBeGreaterThan(10);
    for (const [env, value] of Object.entries(data)) {
      const key = keyByEnv.get(env);
      expect(key, `${env} is a configuration env var (kfp-e2e config --keys)`).toBeDefined();
      expect(key?.secret ?? false, `${env} is a secret: it belongs in the Secret`).toBe(false);
      expect(value, `${env} (${key?.path}) equals the cluster preset`).toBe(String(clusterPreset[key?.path ?? '']));
    }
  });

  it('the Secret kfp-e2e-secrets holds only secret config env vars, the dev values marked as such', () => {
    const secret = named('Secret', 'kfp-e2e-secrets');
    const data = secret.stringData as Record<string, string>;
    expect(Object.keys(data).sort()).toEqual(['MINIO_ACCESS_KEY', 'MINIO_SECRET_KEY', 'POSTGRES_PASSWORD']);
    for (const [env, value] of Object.entries(data)) {
      const key = keyByEnv.get(env);
      expect(key?.secret, `${env} is a secret configuration env var`).toBe(true);
      // The cluster preset's dev defaults: `npm run test:cluster` needs no credentials on this minikube.
      expect(value, env).toBe(clusterPreset[key?.path ?? '']);
    }
    expect(secret.metadata.labels['kfp-e2e/dev-values']).toBe('true');
    expect(readFileSync(join(DIR, 'secrets-dev.yaml'), 'utf8')).toMatch(/DEVELOPMENT VALUES/);
  });

  it("the reference pipeline's ConfigMap and Secret have exactly the keys its package asks for, same values", () => {
    const [, platform] = parseAllDocuments(
      readFileSync(join(PROJECT_ROOT, 'fixtures/poblesec/pipeline.yaml'), 'utf8'),
    ).map((d) => d.toJS());
    const executors = Object.values(platform.platforms.kubernetes.deploymentSpec.executors) as K8s[];
    const config = named('ConfigMap', 'kfp-e2e-config').data;
    const secrets = named('Secret', 'kfp-e2e-secrets').stringData;
    for (const executor of executors) {
      for (const ref of executor.configMapAsEnv ?? []) {
        const data = named('ConfigMap', ref.configMapName).data;
        expect(Object.keys(data).sort()).toEqual(ref.keyToEnv.map((k: K8s) => k.configMapKey).sort());
        for (const [env, value] of Object.entries(data)) expect(value, env).toBe(config[env]);
      }
      for (const ref of executor.secretAsEnv ?? []) {
        if (ref.optional) continue;
        const data = named('Secret', ref.secretName).stringData;
        expect(Object.keys(data).sort()).toEqual(ref.keyToEnv.map((k: K8s) => k.secretKey).sort());
        for (const [env, value] of Object.entries(data)) expect(value, env).toBe(secrets[env]);
      }
    }
  });

  it('every reference to a ConfigMap or Secret key resolves (or is optional)', () => {
    const stores = (kind: string, field: string) =>
      new Map(ofKind(kind).map((doc) => [doc.metadata.name as string, Object.keys(doc[field] ?? {})]));
    const configMaps = stores('ConfigMap', 'data');
    const secrets = stores('Secret', 'stringData');
    let references = 0;
    for (const { owner, spec } of podSpecs()) {
      for (const container of containersOf(spec)) {
        for (const item of container.env ?? []) {
          const ref = item.valueFrom?.configMapKeyRef ?? item.valueFrom?.secretKeyRef;
          if (!ref) continue;
          references++;
          const keys = (item.valueFrom.configMapKeyRef ? configMaps : secrets).get(ref.name);
          if (ref.optional) continue;
          expect(keys?.includes(ref.key), `${owner} ${container.name}: ${item.name} <- ${ref.name}/${ref.key}`).toBe(
            true,
          );
        }
        for (const from of container.envFrom ?? []) {
          const name = from.configMapRef?.name ?? from.secretRef?.name;
          expect((from.configMapRef ? configMaps : secrets).has(name), `${owner}: envFrom ${name}`).toBe(true);
        }
      }
    }
    expect(references).toBeGreaterThan(10);
  });

  it('no password or key is written outside the Secrets', () => {
    const secretValues = ofKind('Secret').flatMap((s) => Object.values(s.stringData ?? {}) as string[]);
    for (const { file, doc } of manifests) {
      if (doc.kind === 'Secret') continue;
      const text = JSON.stringify(doc);
      for (const value of secretValues.filter((v) => v.length >= 8)) {
        expect(text.includes(value), `${file} ${doc.kind} ${doc.metadata.name} contains a secret value`).toBe(false);
      }
    }
  });

  it('pods get no docker-link variables (POSTGRES_PORT=tcp://..., MLFLOW_PORT=...)', () => {
    for (const { owner, spec } of podSpecs()) expect(spec.enableServiceLinks, owner).toBe(false);
  });

  it('every container has requests and limits, and all requests fit beside KFP on a 4 CPU / 8 GiB minikube', () => {
    let cpu = 0;
    let memory = 0;
    for (const { owner, spec } of podSpecs()) {
      let podCpu = 0;
      let podMemory = 0;
      for (const container of spec.containers) {
        const { requests, limits } = container.resources ?? {};
        for (const [what, value] of Object.entries({ requests, limits })) {
          expect(value?.cpu, `${owner} ${container.name} ${what}.cpu`).toBeDefined();
          expect(value?.memory, `${owner} ${container.name} ${what}.memory`).toBeDefined();
        }
        expect(millicores(requests.cpu)).toBeLessThanOrEqual(millicores(limits.cpu));
        expect(mebibytes(requests.memory)).toBeLessThanOrEqual(mebibytes(limits.memory));
        expect(mebibytes(limits.memory), `${owner} ${container.name} memory limit`).toBeLessThanOrEqual(2048);
        podCpu += millicores(requests.cpu);
        podMemory += mebibytes(requests.memory);
      }
      for (const init of spec.initContainers ?? []) {
        expect(init.resources?.requests && init.resources?.limits, `${owner} ${init.name}`).toBeTruthy();
      }
      cpu += podCpu;
      memory += podMemory;
    }
    // KFP standalone itself asks for well over 1 CPU and 2 GiB, and pipeline tasks need room to run.
    expect(cpu, 'total CPU requests (millicores)').toBeLessThanOrEqual(1000);
    expect(memory, 'total memory requests (MiB)').toBeLessThanOrEqual(2048);
  });

  describe('the MLflow tracking server', () => {
    const mlflow = () => {
      const container = named('Deployment', 'mlflow').spec.template.spec.containers[0];
      const args: string[] = container.args;
      return {
        container,
        args,
        env: new Map<string, K8s>(container.env.map((item: K8s) => [item.name, item])),
        arg: (flag: string) => args.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1),
      };
    };

    it('allows the Host headers of pods, the probe and port-forwards, and no others', () => {
      const { arg } = mlflow();
      const allowed = arg('--allowed-hosts')?.split(',') ?? [];
      expect(allowed.length, '--allowed-hosts=... is set').toBeGreaterThan(0);
      expect(allowed).not.toContain('*');
      const inCluster = new URL(String(clusterPreset['mlflow.trackingUri'])).host;
      const service = DEFAULT_SERVICES.mlflow;
      const port = presetPorts.mlflow;
      for (const host of [
        inCluster, // the ConfigMap's MLFLOW_TRACKING_URI and the cluster preset
        `${service}:${port}`,
        `${service}.${DEFAULT_NAMESPACE}:${port}`,
        `${service}.${DEFAULT_NAMESPACE}.svc:${port}`,
        '127.0.0.1:43117', // kubectl port-forward / the suite's discovery, any local port
        'localhost:5000',
      ]) {
        expect(hostAllowed(allowed, host), `Host: ${host}`).toBe(true);
      }
      for (const host of ['attacker.example:5000', 'mlflow.kubeflow.svc.cluster.local.attacker.example:5000']) {
        expect(hostAllowed(allowed, host), `Host: ${host}`).toBe(false);
      }
      expect(inCluster).toBe(new URL(named('ConfigMap', 'kfp-e2e-config').data.MLFLOW_TRACKING_URI).host);
    });

    it('keeps runs in PostgreSQL and artifacts as plain s3:// URIs in the mlflow-artifacts bucket', () => {
      const { container, args, env, arg } = mlflow();
      expect(args).toContain('--no-serve-artifacts');
      expect(arg('--port')).toBe(String(presetPorts.mlflow));
      expect(arg('--default-artifact-root')).toBe('s3://$(BUCKET_MLFLOW_ARTIFACTS)/');
      expect(env.get('BUCKET_MLFLOW_ARTIFACTS').valueFrom.configMapKeyRef.key).toBe('BUCKET_MLFLOW_ARTIFACTS');
      expect(named('ConfigMap', 'kfp-e2e-config').data.BUCKET_MLFLOW_ARTIFACTS).toBe(
        clusterPreset['buckets.mlflowArtifacts'],
      );
      const uri: string = env.get('MLFLOW_BACKEND_STORE_URI').value;
      expect(uri).toBe(
        'postgresql+psycopg2://$(POSTGRES_USER):$(POSTGRES_PASSWORD)@$(POSTGRES_HOST):$(POSTGRES_PORT)/$(POSTGRES_DB)',
      );
      // Kubernetes expands $(VAR) only from variables defined earlier in the list.
      const order = container.env.map((item: K8s) => item.name);
      for (const name of uri.match(/\$\(([A-Z_]+)\)/g)?.map((m) => m.slice(2, -1)) ?? []) {
        expect(order.indexOf(name), name).toBeGreaterThanOrEqual(0);
        expect(order.indexOf(name), name).toBeLessThan(order.indexOf('MLFLOW_BACKEND_STORE_URI'));
      }
      expect(env.get('POSTGRES_PASSWORD').valueFrom.secretKeyRef).toEqual({
        name: 'kfp-e2e-secrets',
        key: 'POSTGRES_PASSWORD',
      });
    });
  });

  it('the gateway serves the run the suite submits (E2E_DATASET / E2E_IDENTIFIER)', () => {
    const container = named('Deployment', DEFAULT_SERVICES.gateway).spec.template.spec.containers[0];
    const from = (name: string) => container.env.find((item: K8s) => item.name === name)?.valueFrom?.configMapKeyRef;
    expect(from('DATASET')).toEqual({ name: 'kfp-e2e-config', key: 'E2E_DATASET' });
    expect(from('IDENTIFIER')).toEqual({ name: 'kfp-e2e-config', key: 'E2E_IDENTIFIER' });
    const data = named('ConfigMap', 'kfp-e2e-config').data;
    expect(data.E2E_DATASET).toBe(clusterPreset['run.dataset']);
    expect(data.E2E_IDENTIFIER).toBe(clusterPreset['run.identifier']);
  });
});

describe('images built from this repository', () => {
  const pins = (file: string) =>
    new Map(
      readFileSync(file, 'utf8')
        .split('\n')
        .map((line) => line.replace(/#.*/, '').trim())
        .filter(Boolean)
        .map((line) => {
          const [name = '', version = ''] = line.split('==');
          return [name.toLowerCase().replace(/[-_.]+/g, '-'), version] as const;
        }),
    );

  it("the MLflow image pins mlflow, psycopg2-binary and boto3 at requirements.lock's versions", () => {
    const image = pins(join(IMAGES_DIR, 'mlflow', 'requirements.lock'));
    const project = pins(join(PROJECT_ROOT, 'fixtures/poblesec/requirements.lock'));
    expect(image.get('mlflow')).toBe(VERSIONS.mlflow);
    expect(image.has('psycopg2-binary') && image.has('boto3')).toBe(true);
    for (const [name, version] of image) expect(`${name}==${version}`).toBe(`${name}==${project.get(name)}`);
  });

  it.each([['deploy/images/mlflow/Dockerfile'], ['fixtures/probe-component/Dockerfile']])(
    '%s builds FROM a pinned base image',
    (file) => {
      const from = [...readFileSync(join(PROJECT_ROOT, file), 'utf8').matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]);
      expect(from.length).toBeGreaterThan(0);
      for (const image of from) expect(imagePinning(image ?? '').pinned, image).toBe(true);
    },
  );

  it("the probe image's build context sends every path its Dockerfile copies", () => {
    const dockerfile = readFileSync(join(PROJECT_ROOT, 'fixtures/probe-component/Dockerfile'), 'utf8');
    const ignore = readFileSync(join(PROJECT_ROOT, 'fixtures/probe-component/Dockerfile.dockerignore'), 'utf8')
      .split('\n')
      .map((line) => line.trim());
    expect(ignore[ignore.findIndex((line) => line && !line.startsWith('#'))]).toBe('*');
    const sources = [...dockerfile.matchAll(/^COPY\s+(.+)$/gm)].flatMap(
      (m) =>
        m[1]
          ?.split(/\s+/)
          .filter((part) => !part.startsWith('--'))
          .slice(0, -1) ?? [],
    );
    expect(sources).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'bin/', 'helpers/']));
    for (const source of sources) {
      expect(ignore, `Dockerfile.dockerignore re-includes ${source}`).toContain(`!${source.replace(/\/$/, '')}`);
      expect(existsSync(join(PROJECT_ROOT, source)), source).toBe(true);
    }
  });
});

function commandExists(command: string): boolean {
  try {
    execFileSync(command, ['version', '--client'], { stdio: 'ignore', timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}
