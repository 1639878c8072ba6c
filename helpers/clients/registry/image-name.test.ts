import { describe, expect, it } from 'vitest';
import { canonicalImage, parseImageName } from './image-name.js';

describe('parseImageName', () => {
  it.each([
    ['python:3.11', 'docker.io/library/python:3.11'],
    ['bitnami/minio:2024', 'docker.io/bitnami/minio:2024'],
    ['ghcr.io/kfp-e2e/poblesec-components:1.0.0', 'ghcr.io/kfp-e2e/poblesec-components:1.0.0'],
    ['localhost:5000/app:v1', 'localhost:5000/app:v1'],
    ['registry.example:8443/team/app', 'registry.example:8443/team/app:latest'],
    [`ghcr.io/a/b:1@sha256:${'a'.repeat(64)}`, `ghcr.io/a/b@sha256:${'a'.repeat(64)}`],
    ['docker.io/library/busybox:1.36', 'docker.io/library/busybox:1.36'],
  ])('%s is %s', (input, canonical) => {
    const parsed = parseImageName(input);
    expect(parsed).toBeDefined();
    expect(canonicalImage(parsed as NonNullable<typeof parsed>)).toBe(canonical);
  });

  it('keeps the tag beside a digest and refuses placeholders and blanks', () => {
    expect(parseImageName(`ghcr.io/a/b:1@sha256:${'a'.repeat(64)}`)?.tag).toBe('1');
    expect(parseImageName('{{$.inputs.parameters.image}}')).toBeUndefined();
    expect(parseImageName('  ')).toBeUndefined();
  });
});
