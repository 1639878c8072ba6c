#!/usr/bin/env node
/**
 * A stand-in for kubectl in the suite's unit tests: enough of `config current-context`, `version`,
 * `get namespace`, `get service` and `port-forward` to exercise discovery without a cluster.
 *
 * FAKE_KUBECTL_SCENARIO names a JSON file (see fake-kubectl.ts for its shape) that says what the
 * "cluster" holds and how it misbehaves; FAKE_KUBECTL_LOG names a file to which every invocation
 * appends its argv as one JSON line, so tests can assert the exact command lines. port-forward
 * really listens on an ephemeral 127.0.0.1 port and proxies TCP to the scenario's target port.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';

const argv = process.argv.slice(2);
if (process.env.FAKE_KUBECTL_LOG) appendFileSync(process.env.FAKE_KUBECTL_LOG, `${JSON.stringify(argv)}\n`);
const scenario = process.env.FAKE_KUBECTL_SCENARIO
  ? JSON.parse(readFileSync(process.env.FAKE_KUBECTL_SCENARIO, 'utf8'))
  : {};

// Flags that take a value when not written as --flag=value.
const VALUE_FLAGS = new Set(['--context', '--request-timeout', '-n', '--namespace', '-o', '--output', '--address']);
const flags = {};
const positional = [];
for (let i = 0; i < argv.length; i++) {
  const arg = argv[i];
  if (arg.startsWith('-')) {
    const eq = arg.indexOf('=');
    if (eq > 0) flags[arg.slice(0, eq)] = arg.slice(eq + 1);
    else if (VALUE_FLAGS.has(arg)) flags[arg] = argv[++i];
    else flags[arg] = true;
  } else {
    positional.push(arg);
  }
}
const namespace = flags['-n'] ?? flags['--namespace'] ?? 'default';
const [verb, ...rest] = positional;
const subcommand = verb === 'get' || verb === 'config' ? `${verb} ${rest[0]}` : verb;

function fail(message, code = 1) {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

function hang() {
  // Never answers, like kubectl stuck on an exec credential plugin; only a signal ends it.
  setInterval(() => {}, 1 << 30);
}

const CLIENT_VERSION = { major: '1', minor: '31', gitVersion: 'v1.31.0-fake', platform: 'linux/amd64' };

if ((scenario.hang ?? []).includes(subcommand) || (scenario.hang ?? []).includes(verb)) {
  hang();
} else if (flags['--context'] && scenario.contexts && !scenario.contexts.includes(flags['--context'])) {
  fail(`error: context was not found for specified context: ${flags['--context']}`);
} else if (subcommand === 'config current-context') {
  if (!scenario.currentContext) fail('error: current-context is not set');
  process.stdout.write(`${scenario.currentContext}\n`);
} else if (verb === 'version') {
  if (!scenario.serverVersion) {
    process.stdout.write(`${JSON.stringify({ clientVersion: CLIENT_VERSION }, null, 2)}\n`);
    fail('The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?');
  }
  const [major, minor] = scenario.serverVersion.replace(/^v/, '').split('.');
  const answer = { clientVersion: CLIENT_VERSION, serverVersion: { major, minor, gitVersion: scenario.serverVersion } };
  process.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
} else if (subcommand === 'get namespace') {
  if (scenario.namespaceError) fail(scenario.namespaceError);
  const name = rest[1];
  if (!(scenario.namespaces ?? []).includes(name)) fail(`Error from server (NotFound): namespaces "${name}" not found`);
  const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name }, status: { phase: 'Active' } };
  process.stdout.write(`${JSON.stringify(ns, null, 2)}\n`);
} else if (subcommand === 'get service') {
  const name = rest[1];
  const svc = lookupService(name);
  if (svc.raw !== undefined) {
    process.stdout.write(svc.raw);
  } else {
    const spec = { type: svc.type ?? 'ClusterIP', selector: svc.selector ?? { app: name }, ports: svc.ports ?? [] };
    if (svc.selector === null) delete spec.selector;
    const body = { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec };
    process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
  }
} else if (verb === 'port-forward') {
  portForward();
} else {
  fail(`fake kubectl: unsupported command: ${argv.join(' ')}`, 2);
}

function lookupService(name) {
  const svc = scenario.services?.[`${namespace}/${name}`];
  if (!svc) fail(`Error from server (NotFound): services "${name}" not found`);
  return svc;
}

function portForward() {
  const [resource, ports] = rest;
  if (!resource?.startsWith('service/')) fail(`fake kubectl: expected service/<name>, got ${resource}`, 2);
  const svc = lookupService(resource.slice('service/'.length));
  const wanted = Number(String(ports).split(':').pop());
  const port = (svc.ports ?? []).find((p) => p.port === wanted);
  if (!port) fail(`error: Service ${resource.slice('service/'.length)} does not have a service port ${wanted}`);
  const forward = svc.forward ?? {};
  if (forward.fail) fail(forward.fail);
  if (forward.hang) return hang();
  const podPort = typeof port.targetPort === 'number' ? port.targetPort : port.port;

  const server = createServer((socket) => {
    process.stdout.write(`Handling connection for ${server.address().port}\n`);
    if (forward.die === 'on-connection') {
      socket.destroy();
      fail(
        `E0101 00:00:00.000000 portforward.go:413] an error occurred forwarding ${server.address().port} -> ${podPort}: lost connection to pod\nerror: lost connection to pod`,
      );
    }
    const upstream = connect(forward.to, '127.0.0.1');
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
  const address = flags['--address'] ?? '127.0.0.1';
  server.listen(0, address, () => {
    process.stdout.write(`Forwarding from ${address}:${server.address().port} -> ${podPort}\n`);
  });
  process.on('SIGTERM', () => process.exit(0));
}
