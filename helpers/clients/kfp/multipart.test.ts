import { describe, expect, it } from 'vitest';
import { multipartBody } from './multipart.js';

describe('multipartBody', () => {
  it('is one file part with the field, file name, type and the bytes unchanged', () => {
    const content = new Uint8Array([0x61, 0x3a, 0x20, 0x31, 0x0a, 0xff]);
    const body = multipartBody('uploadfile', 'pipeline.yaml', content, 'XYZ');
    expect(body.contentType).toBe('multipart/form-data; boundary=XYZ');
    const head =
      '--XYZ\r\nContent-Disposition: form-data; name="uploadfile"; filename="pipeline.yaml"\r\n' +
      'Content-Type: application/x-yaml\r\n\r\n';
    expect(body.bytes.subarray(0, head.length).toString('latin1')).toBe(head);
    expect([...body.bytes.subarray(head.length, head.length + content.length)]).toEqual([...content]);
    expect(body.bytes.subarray(head.length + content.length).toString('latin1')).toBe('\r\n--XYZ--\r\n');
  });

  it('uses a fresh random boundary by default', () => {
    const a = multipartBody('f', 'p.json', new Uint8Array());
    const b = multipartBody('f', 'p.json', new Uint8Array());
    expect(a.contentType).not.toBe(b.contentType);
    expect(a.bytes.toString()).toContain('Content-Type: application/json');
  });

  it('cannot be broken by a file name with quotes or line breaks', () => {
    const body = multipartBody('f', 'a"b\r\nX: y.yaml', new Uint8Array(), 'B');
    expect(body.bytes.toString()).toContain('filename="a_b__X: y.yaml"');
  });
});
