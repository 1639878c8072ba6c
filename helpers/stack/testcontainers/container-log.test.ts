import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { clearRegisteredSecrets, registerSecret } from '../../config/mask.js';
import { ContainerLog } from './container-log.js';

afterEach(() => clearRegisteredSecrets());

describe('ContainerLog', () => {
  it('joins lines split across chunks and returns the last ones', () => {
    const log = new ContainerLog();
    log.push('one\ntw');
    log.push('o\nthree\r\nfour');
    expect(log.tail(2)).toBe('three\nfour');
    expect(log.tail()).toBe('one\ntwo\nthree\nfour');
  });

  it('keeps a bounded number of lines', () => {
    const log = new ContainerLog(undefined, 3);
    log.push('1\n2\n3\n4\n5\n');
    expect(log.tail(10)).toBe('3\n4\n5');
  });

  it('says so when the container printed nothing', () => {
    expect(new ContainerLog().tail()).toBe('(no output)');
  });

  it('masks secrets in the tail, including connection strings', () => {
    registerSecret('pg-s3cret-4Wm');
    const log = new ContainerLog();
    log.push('FATAL: password authentication failed, password=pg-s3cret-4Wm\n');
    log.push('connecting to postgresql://tracker:other-pass@postgres:5432/db\n');
    const tail = log.tail();
    expect(tail).not.toContain('pg-s3cret-4Wm');
    expect(tail).not.toContain('other-pass');
    expect(tail).toContain('postgresql://tracker:***@postgres:5432/db');
  });

  it('follows a stream and writes the whole log, masked, to its file', async () => {
    registerSecret('minio-s3cret-9Xk');
    const dir = mkdtempSync(join(tmpdir(), 'container-log-'));
    try {
      const file = join(dir, 'minio.log');
      const log = new ContainerLog(file);
      const stream = new PassThrough();
      log.attach(stream);
      stream.write('API: http://minio-service:9000\nsecret is minio-s3cret-9Xk\nlast line without newline');
      stream.end();
      await new Promise((resolve) => stream.on('end', resolve));
      expect(readFileSync(file, 'utf8')).toBe(
        'API: http://minio-service:9000\nsecret is ***\nlast line without newline\n',
      );
      expect(log.tail(1)).toBe('last line without newline');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
