import { describe, expect, it } from 'vitest';
import { displayUrl, endpointFromUrl, joinUrl } from './endpoint.js';

describe('endpointFromUrl', () => {
  it('takes host and explicit port', () => {
    expect(endpointFromUrl('http://minio-service.kubeflow:9000')).toMatchObject({
      host: 'minio-service.kubeflow',
      port: 9000,
    });
  });

  it('defaults the port by scheme', () => {
    expect(endpointFromUrl('http://mlflow.example').port).toBe(80);
    expect(endpointFromUrl('https://mlflow.example/').port).toBe(443);
  });

  it('unbrackets IPv6 literals for sockets and DNS', () => {
    expect(endpointFromUrl('http://[::1]:5000').host).toBe('::1');
  });

  it('never shows a password in the printable form', () => {
    const e = endpointFromUrl('http://user:hunter22@127.0.0.1:9000/x?token=abc');
    expect(e.display).toBe('http://user:***@127.0.0.1:9000/x');
    expect(e.display).not.toContain('hunter22');
    expect(e.display).not.toContain('abc');
  });
});

describe('displayUrl', () => {
  it('keeps the path and drops the query string', () => {
    expect(displayUrl('http://h:1/pipeline/apis?x=1')).toBe('http://h:1/pipeline/apis');
  });

  it('masks text it cannot parse', () => {
    expect(displayUrl('not a url password=abc')).not.toContain('abc');
  });
});

describe('joinUrl', () => {
  it('keeps a path prefix and avoids double slashes', () => {
    expect(joinUrl('http://h/pipeline/', '/apis/v2beta1/healthz')).toBe('http://h/pipeline/apis/v2beta1/healthz');
    expect(joinUrl('http://h', 'health')).toBe('http://h/health');
  });
});
