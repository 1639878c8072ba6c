/**
 * Whether a container image reference is pinned: by a digest (`name@sha256:<64 hex>`), or by a tag
 * other than `latest`. A reference without a tag pulls `:latest`, so it is not pinned; neither is
 * a `{{$.inputs...}}` placeholder, whose image is only known at run time.
 */
export type ImagePinning =
  | { image: string; pinned: true; by: 'digest' | 'tag'; tag?: string; digest?: string }
  | { image: string; pinned: false; reason: string };

const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

export function imagePinning(image: string): ImagePinning {
  const ref = image.trim();
  if (ref === '') return { image, pinned: false, reason: 'no image' };
  if (ref.includes('{{'))
    return {
      image,
      pinned: false,
      reason: 'set at run time by a placeholder, so its version cannot be checked before the run',
    };
  if (/\s/.test(ref)) return { image, pinned: false, reason: 'not an image reference (contains whitespace)' };
  const at = ref.indexOf('@');
  const name = at === -1 ? ref : ref.slice(0, at);
  const tag = tagOf(name);
  if (at !== -1) {
    const digest = ref.slice(at + 1);
    if (!DIGEST.test(digest)) {
      return {
        image,
        pinned: false,
        reason: `malformed digest "${digest}" (expected sha256: followed by 64 hex digits)`,
      };
    }
    return { image, pinned: true, by: 'digest', digest, ...(tag ? { tag } : {}) };
  }
  if (tag === undefined) return { image, pinned: false, reason: 'no tag, so it pulls :latest' };
  if (tag === '') return { image, pinned: false, reason: 'empty tag after ":"' };
  if (tag === 'latest') return { image, pinned: false, reason: 'tag latest moves with every push' };
  if (!TAG.test(tag)) return { image, pinned: false, reason: `malformed tag "${tag}"` };
  return { image, pinned: true, by: 'tag', tag };
}

/** The tag of `registry:port/path/name:tag`: after the last colon of the last path segment. */
function tagOf(name: string): string | undefined {
  const lastSegment = name.slice(name.lastIndexOf('/') + 1);
  const colon = lastSegment.indexOf(':');
  return colon === -1 ? undefined : lastSegment.slice(colon + 1);
}
