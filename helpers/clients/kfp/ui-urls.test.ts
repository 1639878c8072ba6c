import { describe, expect, it } from 'vitest';
import { experimentUrl, pipelineVersionUrl, runUrl } from './ui-urls.js';

describe('KFP UI links', () => {
  it('point at the hash routes of the pipelines UI', () => {
    const ui = 'http://ml-pipeline-ui.kubeflow.svc.cluster.local:80';
    expect(runUrl(ui, 'r-1')).toBe(`${ui}/#/runs/details/r-1`);
    expect(experimentUrl(ui, 'e-1')).toBe(`${ui}/#/experiments/details/e-1`);
    expect(pipelineVersionUrl(ui, 'p-1', 'v-1')).toBe(`${ui}/#/pipelines/details/p-1/version/v-1`);
  });

  it('keep a path of the UI host and drop a trailing slash', () => {
    expect(runUrl('https://kubeflow.example.com/pipeline/', 'r-1')).toBe(
      'https://kubeflow.example.com/pipeline/#/runs/details/r-1',
    );
  });

  it('encode ids', () => {
    expect(runUrl('http://ui', 'a/b')).toBe('http://ui/#/runs/details/a%2Fb');
  });
});
