import { describe, expect, it } from 'vitest';
import { contentSha256, hashDescription, recordedSha256, versionHasContent, versionNameFor } from './content-hash.js';

const sha = contentSha256(new TextEncoder().encode('abc'));

describe('content hash of a pipeline package', () => {
  it('is the sha256 of the bytes', () => {
    expect(sha).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('names a version <pipeline>-<first 12 hex>, within the 128-character limit', () => {
    expect(versionNameFor('poblesec-forecast', sha)).toBe('poblesec-forecast-ba7816bf8f01');
    const long = versionNameFor('p'.repeat(300), sha);
    expect(long).toHaveLength(128);
    expect(long.endsWith('-ba7816bf8f01')).toBe(true);
  });

  it('records and reads the full hash in a description', () => {
    expect(hashDescription(sha)).toBe(`kfp-e2e:sha256=${sha}`);
    expect(recordedSha256(`uploaded by CI; ${hashDescription(sha)}`)).toBe(sha);
    expect(recordedSha256('a hand-written description')).toBeUndefined();
    expect(recordedSha256(undefined)).toBeUndefined();
  });

  it('matches a version by its recorded hash, else by its hashed name', () => {
    const other = contentSha256(new TextEncoder().encode('xyz'));
    expect(versionHasContent({ pipeline_version_id: 'v', description: hashDescription(sha) }, 'p', sha)).toBe(true);
    expect(versionHasContent({ pipeline_version_id: 'v', description: hashDescription(other) }, 'p', sha)).toBe(false);
    // A recorded hash wins over a name that happens to match (a 12-hex prefix collision).
    expect(
      versionHasContent(
        { pipeline_version_id: 'v', name: versionNameFor('p', sha), description: hashDescription(other) },
        'p',
        sha,
      ),
    ).toBe(false);
    expect(versionHasContent({ pipeline_version_id: 'v', display_name: versionNameFor('p', sha) }, 'p', sha)).toBe(
      true,
    );
    expect(versionHasContent({ pipeline_version_id: 'v', name: 'p' }, 'p', sha)).toBe(false);
  });
});
