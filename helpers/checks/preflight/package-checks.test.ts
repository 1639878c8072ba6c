import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runCheck } from '../check.js';
import { packageFormat, packagePlatformSpec, packageReadable, packageStructure } from './package-checks.js';
import { editedFixture, fixture, fixtureDocuments, testContext } from './test-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'kfp-e2e-package-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes documents as one multi-document YAML package. */
function writePackage(name: string, ...documents: unknown[]): string {
  const path = join(dir, name);
  writeFileSync(path, documents.map((d) => stringify(d)).join('---\n'));
  return path;
}

const [spec, platform] = fixtureDocuments('minimal-v2.yaml');

const run = (check: Parameters<typeof runCheck>[0], path: string) => runCheck(check, testContext(path));

describe('package checks on the v2 fixture', () => {
  it('all pass, with what they saw as evidence', async () => {
    const path = fixture('minimal-v2.yaml');
    expect(await run(packageReadable, path)).toMatchObject({
      status: 'passed',
      evidence: { syntax: 'yaml', documents: 2 },
    });
    expect(await run(packageFormat, path)).toMatchObject({ status: 'passed', evidence: { format: 'v2-ir' } });
    expect(await run(packageStructure, path)).toMatchObject({
      status: 'passed',
      evidence: {
        pipelineName: 'minimal-v2',
        schemaVersion: '2.1.0',
        sdkVersion: 'kfp-2.14.3',
        tasks: ['prepare-data', 'train-model'],
      },
    });
    expect(await run(packagePlatformSpec, path)).toMatchObject({
      status: 'passed',
      evidence: { present: true, platforms: ['kubernetes'], executors: { kubernetes: ['exec-train-model'] } },
    });
  });

  it('resolves a relative package path against the project root', async () => {
    const result = await runCheck(packageReadable, testContext('fixtures/pipelines/minimal-v2.yaml'));
    expect(result.status).toBe('passed');
    expect(result.evidence.path).toBe(fixture('minimal-v2.yaml'));
  });
});

describe('each bad input fails exactly one check, and the later ones skip naming it', () => {
  it.each([
    ['missing file', 'does-not-exist.yaml', /^pipeline package not found: /],
    ['empty file', 'empty.yaml', /is empty \(0 bytes\)$/],
    ['invalid YAML', 'invalid.yaml', /is not valid YAML at line 7, column 1: /],
  ])('%s fails preflight.package.readable', async (_label, name, error) => {
    const path = fixture(name);
    const readable = await run(packageReadable, path);
    expect(readable.status).toBe('failed');
    expect(readable.error).toMatch(error);
    expect(readable.hint).toBeTruthy();
    for (const check of [packageFormat, packageStructure, packagePlatformSpec]) {
      const later = await run(check, path);
      expect(later.status).toBe('skipped');
      expect(later.reason).toMatch(/^requires preflight\.package\.readable, which failed: /);
    }
  });

  it.each([
    ['KFP v1 Argo Workflow', 'argo-v1-workflow.yaml', /is a KFP v1 package \(an Argo Workflow/],
    ['JSON package', 'v2-as-json.json', /is a JSON package holding a KFP v2 pipeline spec/],
  ])('%s passes readable, fails preflight.package.format', async (_label, name, error) => {
    const path = fixture(name);
    expect((await run(packageReadable, path)).status).toBe('passed');
    const format = await run(packageFormat, path);
    expect(format.status).toBe('failed');
    expect(format.error).toMatch(error);
    const structure = await run(packageStructure, path);
    expect(structure).toMatchObject({ status: 'skipped', evidence: { blockedBy: 'preflight.package.format' } });
    expect(structure.reason).toMatch(
      /^requires preflight\.package\.format, which failed: .*(KFP v1 package|JSON package)/,
    );
  });

  it('wrong schemaVersion and sdkVersion fail preflight.package.structure with a recompile hint', async () => {
    const path = writePackage(
      'old-versions.yaml',
      editedFixture('minimal-v2.yaml', { schemaVersion: '2.0.0', sdkVersion: 'kfp-1.8.22' }),
    );
    const structure = await run(packageStructure, path);
    expect(structure.status).toBe('failed');
    expect(structure.error).toBe(
      `${path} is not a valid KFP v2 pipeline spec (2 problems):\n` +
        '  - schemaVersion: expected "2.1.0", the schema every KFP 2.x compiler writes (found "2.0.0")\n' +
        '  - sdkVersion: expected "kfp-2.<minor>.<patch>": the package must come from a KFP 2.x compiler (found "kfp-1.8.22")',
    );
    expect(structure.hint).toContain("pip install 'kfp>=2,<3'");
    const platformCheck = await run(packagePlatformSpec, path);
    expect(platformCheck.status).toBe('skipped');
    expect(platformCheck.reason).toBe(
      `requires preflight.package.structure, which failed: ${path} is not a valid KFP v2 pipeline spec (2 problems); ` +
        'first: schemaVersion: expected "2.1.0", the schema every KFP 2.x compiler writes (found "2.0.0")',
    );
  });

  it('a document with only some PipelineSpec fields fails structure listing the missing ones', async () => {
    const path = writePackage('partial.yaml', { pipelineInfo: { name: 'partial' }, schemaVersion: '2.1.0' });
    expect((await run(packageFormat, path)).status).toBe('passed');
    const structure = await run(packageStructure, path);
    expect(structure.status).toBe('failed');
    expect(structure.error).toContain('  - root: missing (expected the root component: a mapping with dag)');
    expect(structure.error).toContain('  - deploymentSpec: missing (expected a mapping with executors)');
    expect(structure.error).toContain('  - sdkVersion: missing');
  });

  it('a YAML that is not a pipeline fails format, listing what is missing', async () => {
    const path = writePackage('values.yaml', { replicas: 3 });
    const format = await run(packageFormat, path);
    expect(format.status).toBe('failed');
    expect(format.error).toContain(
      'missing: pipelineInfo, root, components, deploymentSpec, schemaVersion, sdkVersion',
    );
  });
});

describe('preflight.package.platform-spec', () => {
  it('skips when the package has no platform spec', async () => {
    const result = await run(packagePlatformSpec, writePackage('no-platform.yaml', spec));
    expect(result).toMatchObject({ status: 'skipped', evidence: { present: false } });
    expect(result.reason).toContain('no platform-spec document');
  });

  it('fails when the second document has no platforms mapping', async () => {
    const result = await run(packagePlatformSpec, writePackage('bad-platform.yaml', spec, { kubernetes: {} }));
    expect(result.status).toBe('failed');
    expect(result.error).toContain('the second document is not a valid platform spec:\n  - platforms: missing');
  });

  it('fails when platforms is not a mapping of platforms', async () => {
    const result = await run(
      packagePlatformSpec,
      writePackage('list-platform.yaml', spec, { platforms: ['kubernetes'] }),
    );
    expect(result.status).toBe('failed');
    expect(result.error).toContain(
      '  - platforms: expected a mapping of platform name (such as kubernetes) to its settings',
    );
  });

  it('fails when it configures an executor the pipeline does not have', async () => {
    const stray = editedFixture(
      'minimal-v2.yaml',
      { 'platforms.kubernetes.deploymentSpec.executors.exec-gone': { secretAsEnv: [] } },
      1,
    );
    const result = await run(packagePlatformSpec, writePackage('stray-platform.yaml', spec, stray));
    expect(result.status).toBe('failed');
    expect(result.error).toContain(
      '  - platforms.kubernetes.deploymentSpec.executors.exec-gone: no executor "exec-gone" in the pipeline spec (it has: exec-prepare-data, exec-train-model)',
    );
  });

  it('fails on a third document', async () => {
    const result = await run(packagePlatformSpec, writePackage('three.yaml', spec, platform, platform));
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(
      /has 3 YAML documents; a KFP v2 package has the pipeline spec and at most one platform-spec document$/,
    );
  });
});
