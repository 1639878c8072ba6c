import { afterEach, describe, expect, it } from 'vitest';
import { clearRegisteredSecrets } from '../../config/mask.js';
import { describeRequest, formatRequest } from './describe-request.js';
import { createRunRequest, findPipelineRequest, uploadPipelineRequest } from './requests.js';
import { KfpTransport } from './transport.js';

const transports: KfpTransport[] = [];
afterEach(async () => {
  await Promise.all(transports.splice(0).map((t) => t.close()));
  clearRegisteredSecrets();
});

function transport(): KfpTransport {
  const t = new KfpTransport({
    host: 'http://kfp.example:8888',
    pathPrefix: '/pipeline',
    timeoutMs: 1000,
    auth: { token: 'very-secret-token', userIdHeader: 'kubeflow-userid', userId: 'me@example.com' },
  });
  transports.push(t);
  return t;
}

describe('describeRequest (what --dry-run prints)', () => {
  it('shows the exact URL and headers, with the token masked', () => {
    const d = describeRequest(transport(), findPipelineRequest('demo'));
    expect(d.method).toBe('GET');
    expect(d.url).toMatch(/^http:\/\/kfp\.example:8888\/pipeline\/apis\/v2beta1\/pipelines\?page_size=10&filter=%7B/);
    expect(d.headers).toEqual({
      'user-agent': 'kfp-e2e',
      accept: 'application/json',
      authorization: '***',
      'kubeflow-userid': 'me@example.com',
    });
    expect(d.filter).toEqual({ predicates: [{ key: 'name', operation: 'EQUALS', string_value: 'demo' }] });
    expect(JSON.stringify(d)).not.toContain('very-secret-token');
  });

  it('summarises a multipart body by file name, size and hash', () => {
    const d = describeRequest(transport(), uploadPipelineRequest({ name: 'demo', content: new Uint8Array(10) }));
    expect(d.headers['content-type']).toBe('multipart/form-data; boundary=<random per request>');
    expect(d.body).toBe(
      'uploadfile=pipeline.yaml (10 bytes, sha256 01d448afd928065458cf670b60f5a594d735af0172c8d67f22a81680132681ca)',
    );
  });

  it('shows a JSON body as sent and keeps placeholder ids readable', () => {
    const d = describeRequest(
      transport(),
      createRunRequest({
        displayName: 'r',
        experimentId: '<experiment_id>',
        pipelineId: '<pipeline_id>',
        pipelineVersionId: '<pipeline_version_id>',
        parameters: { rows: 5 },
      }),
    );
    expect(d.body).toMatchObject({ runtime_config: { parameters: { rows: 5 } } });
    const lines = formatRequest(d);
    expect(lines[0]).toBe('POST http://kfp.example:8888/pipeline/apis/v2beta1/runs');
    expect(lines).toContain('    content-type: application/json');
    expect(lines.join('\n')).toContain('"experiment_id": "<experiment_id>"');
  });
});
