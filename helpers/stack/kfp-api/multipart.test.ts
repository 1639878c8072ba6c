import { describe, expect, it } from 'vitest';
import { MultipartError, multipartBoundary, parseMultipart } from './multipart.js';

/** A body as a real client encodes it: undici's FormData serialiser (what fetch sends). */
async function encoded(form: FormData): Promise<{ body: Buffer; boundary: string }> {
  const request = new Request('http://x/', { method: 'POST', body: form });
  const boundary = multipartBoundary(request.headers.get('content-type') ?? undefined);
  if (!boundary) throw new Error('no boundary');
  return { body: Buffer.from(await request.arrayBuffer()), boundary };
}

const crlf = (...lines: string[]) => Buffer.from(lines.join('\r\n'));

describe('multipartBoundary', () => {
  it('reads the boundary of multipart/form-data, quoted or not', () => {
    expect(multipartBoundary('multipart/form-data; boundary=abc')).toBe('abc');
    expect(multipartBoundary('Multipart/Form-Data; charset=utf-8; boundary="a b:c"')).toBe('a b:c');
    expect(multipartBoundary('application/json')).toBeUndefined();
    expect(multipartBoundary('multipart/form-data')).toBeUndefined();
    expect(multipartBoundary(undefined)).toBeUndefined();
  });
});

describe('parseMultipart', () => {
  it('reads file and value parts of a body fetch encodes, bytes intact', async () => {
    const bytes = Buffer.from([0, 1, 2, 13, 10, 45, 45, 255, 10]);
    const form = new FormData();
    form.append('note', 'hello\r\nworld');
    form.append('uploadfile', new Blob([bytes], { type: 'application/x-yaml' }), 'pipeline.yaml');
    const { body, boundary } = await encoded(form);
    const parts = parseMultipart(body, boundary);
    expect(parts.map((p) => [p.name, p.filename])).toEqual([
      ['note', undefined],
      ['uploadfile', 'pipeline.yaml'],
    ]);
    expect(parts[0]?.data.toString()).toBe('hello\r\nworld');
    expect(parts[1]?.data.equals(bytes)).toBe(true);
    expect(parts[1]?.contentType).toBe('application/x-yaml');
  });

  it('keeps a file whose content looks like a boundary line without CRLF before it', async () => {
    const form = new FormData();
    const { boundary } = await encoded(form);
    const tricky = `--${boundary}X and --${boundary}`;
    const body = crlf(
      `--${boundary}`,
      'Content-Disposition: form-data; name="uploadfile"; filename="a.yaml"',
      '',
      tricky,
      `--${boundary}--`,
      '',
    );
    expect(parseMultipart(body, boundary)[0]?.data.toString()).toBe(tricky);
  });

  it('handles a preamble, an empty file, quoted and RFC 5987 file names, client paths', () => {
    const body = crlf(
      'preamble to ignore',
      '--B',
      'Content-Disposition: form-data; name="a"; filename="sub\\\\dir\\\\x \\"q\\".yaml"',
      '',
      '',
      '--B',
      'Content-Disposition: form-data; name="b"; filename*=UTF-8\'\'na%C3%AFve.yaml',
      '',
      'x',
      '--B--',
    );
    const parts = parseMultipart(body, 'B');
    expect(parts[0]).toMatchObject({ name: 'a', filename: 'x "q".yaml' });
    expect(parts[0]?.data.length).toBe(0);
    expect(parts[1]).toMatchObject({ name: 'b', filename: 'naïve.yaml' });
  });

  it('refuses malformed bodies with the reason', () => {
    const cases: Array<[Buffer, string]> = [
      [Buffer.from('no boundary here'), 'no opening boundary line'],
      [crlf('--B', 'Content-Disposition: form-data; name="a"', '', 'data without end'), 'no closing boundary'],
      [crlf('--B', 'Content-Disposition: form-data; name="a"'), 'not terminated by an empty line'],
      [crlf('--B', 'Content-Type: text/plain', '', 'x', '--B--'), 'without Content-Disposition'],
      [crlf('--B', 'Content-Disposition: attachment; name="a"', '', 'x', '--B--'), 'not form-data'],
      [crlf('--B', 'Content-Disposition: form-data; filename="f"', '', 'x', '--B--'), 'without a name'],
      [crlf('--B', 'garbage line', '', 'x', '--B--'), 'malformed part header'],
      [Buffer.from('--Bjunk\r\n'), 'not ended by CRLF'],
    ];
    for (const [body, reason] of cases) {
      expect(() => parseMultipart(body, 'B'), reason).toThrow(MultipartError);
      expect(() => parseMultipart(body, 'B'), reason).toThrow(reason);
    }
  });

  it('refuses more than 100 parts', () => {
    const part = ['--B', 'Content-Disposition: form-data; name="a"', '', 'x'];
    const body = crlf(...Array.from({ length: 101 }, () => part).flat(), '--B--');
    expect(() => parseMultipart(body, 'B')).toThrow('more than 100 parts');
  });
});
