import { describe, expect, it } from 'vitest';
import { imagePinning } from './image-ref.js';

const digest = `sha256:${'ab12'.repeat(16)}`;

describe('imagePinning', () => {
  it.each([
    ['python:3.11.9-slim', 'tag', '3.11.9-slim'],
    ['registry.example.com:5000/team/trainer:2024.03.1', 'tag', '2024.03.1'],
    ['localhost:5000/trainer:v1', 'tag', 'v1'],
  ])('%s is pinned by its tag', (image, by, tag) => {
    expect(imagePinning(image)).toEqual({ image, pinned: true, by, tag });
  });

  it('pins by digest, with or without a tag', () => {
    expect(imagePinning(`python@${digest}`)).toEqual({ image: `python@${digest}`, pinned: true, by: 'digest', digest });
    expect(imagePinning(`python:latest@${digest}`)).toMatchObject({ pinned: true, by: 'digest', tag: 'latest' });
    expect(imagePinning(`ghcr.io/org/img@sha512:${'f'.repeat(128)}`)).toMatchObject({ pinned: true, by: 'digest' });
  });

  it.each([
    ['python:latest', 'tag latest moves with every push'],
    ['python', 'no tag, so it pulls :latest'],
    ['registry.example.com:5000/team/trainer', 'no tag, so it pulls :latest'],
    ['python:', 'empty tag after ":"'],
    ['python@sha256:abc', 'malformed digest "sha256:abc" (expected sha256: followed by 64 hex digits)'],
    ['python:3.11 --rm', 'not an image reference (contains whitespace)'],
    ['python:-bad', 'malformed tag "-bad"'],
    ['', 'no image'],
    [
      "{{$.inputs.parameters['image']}}",
      'set at run time by a placeholder, so its version cannot be checked before the run',
    ],
  ])('%j is not pinned: %s', (image, reason) => {
    expect(imagePinning(image)).toEqual({ image, pinned: false, reason });
  });
});
