import { pass } from '../check.js';
import { httpEvidence } from './evidence.js';
import { dnsCheck, tcpCheck } from './reachability.js';
import { serviceCheck } from './service-check.js';

export const minioDns = dnsCheck('minio');
export const minioTcp = tcpCheck('minio');

export const minioLive = serviceCheck({
  id: 'infrastructure.minio.live',
  title: 'MinIO liveness endpoint answers 200',
  needs: ['minio'],
  async run({ clients, timeoutMs, evidence }) {
    evidence.endpoint = clients.minio.endpoint;
    return pass(Object.assign(evidence, httpEvidence(await clients.minio.live({ timeoutMs }))));
  },
});

export const minioReady = serviceCheck({
  id: 'infrastructure.minio.ready',
  title: 'MinIO readiness endpoint answers 200',
  needs: ['minio'],
  async run({ clients, timeoutMs, evidence }) {
    evidence.endpoint = clients.minio.endpoint;
    return pass(Object.assign(evidence, httpEvidence(await clients.minio.ready({ timeoutMs }))));
  },
});

export const minioChecks = [minioDns, minioTcp, minioLive, minioReady];
