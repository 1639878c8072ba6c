/**
 * Links into the KFP UI (hash routes of the pipelines frontend). `uiHost` may carry a path, e.g.
 * `https://kubeflow.example.com/pipeline` behind the central dashboard.
 */

const base = (uiHost: string) => uiHost.replace(/\/+$/, '');
const seg = (value: string) => encodeURIComponent(value);

export function runUrl(uiHost: string, runId: string): string {
  return `${base(uiHost)}/#/runs/details/${seg(runId)}`;
}

export function experimentUrl(uiHost: string, experimentId: string): string {
  return `${base(uiHost)}/#/experiments/details/${seg(experimentId)}`;
}

export function pipelineVersionUrl(uiHost: string, pipelineId: string, versionId: string): string {
  return `${base(uiHost)}/#/pipelines/details/${seg(pipelineId)}/version/${seg(versionId)}`;
}
