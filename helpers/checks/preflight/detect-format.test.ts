import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { classifyDocument, detectFormat, type FormatVerdict } from './detect-format.js';
import { type LoadedPackage, loadPackage, parsePackage } from './load-package.js';
import { fixture, fixtureDocuments } from './test-fixtures.js';

function loaded(path: string): LoadedPackage {
  const result = loadPackage(path);
  if (!result.ok) throw new Error(result.error);
  return result;
}

function fromText(text: string, name = 'p.yaml'): LoadedPackage {
  const result = parsePackage(Buffer.from(text), name);
  if (!result.ok) throw new Error(result.error);
  return result;
}

function rejected(verdict: FormatVerdict) {
  if (verdict.ok) throw new Error('expected the format to be rejected');
  return verdict;
}

describe('detectFormat', () => {
  it('accepts KFP v2 IR', () => {
    const verdict = detectFormat(loaded(fixture('minimal-v2.yaml')));
    expect(verdict).toMatchObject({ ok: true, format: 'v2-ir', evidence: { documents: 2 } });
  });

  it('names a KFP v1 Argo Workflow, its SDK, and how to recompile with the v2 SDK', () => {
    const verdict = rejected(detectFormat(loaded(fixture('argo-v1-workflow.yaml'))));
    expect(verdict.format).toBe('v1-workflow');
    expect(verdict.error).toBe(
      `${fixture('argo-v1-workflow.yaml')} is a KFP v1 package (an Argo Workflow: apiVersion argoproj.io/v1alpha1, kind Workflow, ` +
        'compiled by kfp 1.8.22); kfp-e2e needs a KFP v2 pipeline spec (IR YAML)',
    );
    expect(verdict.hint).toContain("pip install 'kfp>=2,<3'");
    expect(verdict.hint).toContain('kfp dsl compile --py pipeline.py --output pipeline.yaml');
    expect(verdict.hint).toContain('compiler.Compiler().compile(');
    expect(verdict.evidence).toMatchObject({ v1SdkVersion: '1.8.22' });
  });

  it('names a v1 workflow without SDK annotations too', () => {
    const verdict = rejected(
      detectFormat(fromText('apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nspec: {templates: []}\n')),
    );
    expect(verdict.format).toBe('v1-workflow');
    expect(verdict.error).toContain(
      'is a KFP v1 package (an Argo Workflow: apiVersion argoproj.io/v1alpha1, kind Workflow)',
    );
  });

  it('rejects a JSON package holding a valid v2 spec, saying to compile to YAML', () => {
    const verdict = rejected(detectFormat(loaded(fixture('v2-as-json.json'))));
    expect(verdict.format).toBe('json');
    expect(verdict.error).toBe(
      `${fixture('v2-as-json.json')} is a JSON package holding a KFP v2 pipeline spec; kfp-e2e tests the YAML package a ` +
        'KFP 2.x compiler writes (its JSON output is deprecated and cannot carry a platform spec)',
    );
    expect(verdict.hint).toContain('compile to a .yaml path instead of .json');
    expect(verdict.evidence).toMatchObject({ format: 'json', content: 'v2-ir' });
  });

  it('says what else a JSON package holds', () => {
    const argo = rejected(
      detectFormat(fromText('{"apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow"}', 'wf.json')),
    );
    expect(argo.error).toContain(
      'is a JSON package holding a KFP v1 Argo Workflow; kfp-e2e needs the KFP v2 pipeline spec as YAML',
    );
    const job = rejected(detectFormat(fromText('{"pipelineSpec": {}, "runtimeConfig": {}}', 'job.json')));
    expect(job.error).toContain('holding a KFP SDK 1.8 PipelineJob');
    expect(rejected(detectFormat(fromText('[1, 2]', 'list.json'))).error).toContain('holding no KFP pipeline');
  });

  it('names a v1 archive', () => {
    const archive = parsePackage(gzipSync('x'), 'pipeline.tar.gz');
    if (!archive.ok) throw new Error(archive.error);
    const verdict = rejected(detectFormat(archive));
    expect(verdict.format).toBe('v1-archive');
    expect(verdict.error).toBe(
      'pipeline.tar.gz is a gzip archive, the way the KFP v1 compiler packaged pipelines (.tar.gz/.zip); a KFP v2 package is a YAML file',
    );
  });

  it('lists what a YAML that is not a pipeline is missing', () => {
    const verdict = rejected(detectFormat(fromText('name: my-app\nreplicas: 3\n', 'values.yaml')));
    expect(verdict.format).toBe('not-a-pipeline');
    expect(verdict.error).toBe(
      'values.yaml is not a KFP pipeline package: none of the KFP v2 PipelineSpec fields is present ' +
        '(missing: pipelineInfo, root, components, deploymentSpec, schemaVersion, sdkVersion); top-level keys found: name, replicas',
    );
  });

  it('says when the top level is not a mapping', () => {
    expect(rejected(detectFormat(fromText('- a\n- b\n'))).error).toContain(
      'its top level is a list, but a pipeline spec is a mapping',
    );
    expect(rejected(detectFormat(fromText('just text\n'))).error).toContain('its top level is a string value');
  });

  it('names KFP Kubernetes-manifest output, Kubernetes manifests and a lone platform spec', () => {
    const manifest = 'apiVersion: pipelines.kubeflow.org/v2beta1\nkind: PipelineVersion\nspec: {pipelineSpec: {}}\n';
    expect(rejected(detectFormat(fromText(manifest))).hint).toContain('compile without --kubernetes-manifest-format');
    expect(rejected(detectFormat(fromText('apiVersion: v1\nkind: ConfigMap\n'))).error).toBe(
      'p.yaml is a Kubernetes ConfigMap manifest (apiVersion v1), not a pipeline package',
    );
    const platformOnly = rejected(detectFormat(fromText(stringify(fixtureDocuments('minimal-v2.yaml')[1]))));
    expect(platformOnly.format).toBe('platform-spec-only');
    expect(platformOnly.error).toBe(
      'p.yaml holds only a platform spec (platforms:); the PipelineSpec document that must come first is missing',
    );
  });
});

describe('classifyDocument', () => {
  it.each([
    [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow' }, 'v1-workflow'],
    [{ kind: 'Workflow', spec: { entrypoint: 'x' } }, 'v1-workflow'],
    [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'WorkflowTemplate' }, 'v1-workflow'],
    [{ pipelineSpec: {}, runtimeConfig: {} }, 'pipeline-job'],
    [{ pipelineInfo: { name: 'x' } }, 'v2-ir'],
    [{ schemaVersion: '2.0.0' }, 'v2-ir'],
    [{ platforms: {} }, 'platform-spec-only'],
    [{ apiVersion: 'apps/v1', kind: 'Deployment' }, 'kubernetes-manifest'],
    [{ hello: 'world' }, 'not-a-pipeline'],
    [null, 'not-a-pipeline'],
    [[], 'not-a-pipeline'],
  ] as const)('%j is %s', (document, kind) => {
    expect(classifyDocument(document)).toBe(kind);
  });
});
