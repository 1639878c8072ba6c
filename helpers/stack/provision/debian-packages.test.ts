import { describe, expect, it } from 'vitest';
import {
  type AptHost,
  aptSpec,
  CHROMIUM,
  type DebianPackage,
  installPackages,
  LIBXML2_UTILS,
  type PackagePlan,
  POSTGRESQL,
  parseDpkgQuery,
  planPackages,
  versionMatches,
} from './debian-packages.js';
import { ProvisionError } from './step.js';

function fakeHost(overrides: Partial<AptHost> = {}) {
  const calls: { label: string; command: string; args: string[] }[] = [];
  const lines: string[] = [];
  const host: AptHost = {
    isRoot: true,
    hasAptGet: true,
    run: async (label, command, args) => {
      calls.push({ label, command, args });
    },
    log: (line) => lines.push(line),
    ...overrides,
  };
  return { host, calls, lines };
}

const pkg = (name: string, version?: string, presentOtherwise = false): DebianPackage => ({
  name,
  ...(version ? { version } : {}),
  purpose: `${name} purpose`,
  presentOtherwise: () => presentOtherwise,
});

describe('versionMatches', () => {
  it('a major pin matches every version of that major and no other', () => {
    expect(versionMatches('156.*', '156.0.8078.108-1~deb12u1')).toBe(true);
    expect(versionMatches('156.*', '150.0.7871.100-1~deb12u1')).toBe(false);
    expect(versionMatches('156.*', '1560.0')).toBe(false);
  });

  it('everything but * is literal (+ and . in Debian versions)', () => {
    expect(versionMatches('2.9.14+dfsg-*', '2.9.14+dfsg-1.3~deb12u6')).toBe(true);
    expect(versionMatches('2.9.14+dfsg-*', '2.9.14dfsg-1')).toBe(false);
    expect(versionMatches('2.9.14+dfsg-*', '2x9x14+dfsg-1')).toBe(false);
  });
});

describe('parseDpkgQuery', () => {
  it('keeps only installed (ii) packages', () => {
    const out = 'chromium\tii \t156.0.1-1\nlibxml2-utils\trc \t2.9.14+dfsg-1\npostgresql-15\tii \t15.18-0\n\n';
    expect([...parseDpkgQuery(out)]).toEqual([
      ['chromium', '156.0.1-1'],
      ['postgresql-15', '15.18-0'],
    ]);
  });
});

describe('planPackages', () => {
  it('sorts packages into present (with versions) and missing', () => {
    const wanted = [pkg('a', '1.*'), pkg('b', '2.*'), pkg('c', undefined, true), pkg('d')];
    const plan = planPackages(wanted, new Map([['a', '1.5-1']]));
    expect(plan.present).toEqual(['a 1.5-1', 'c']);
    expect(plan.missing.map((p) => p.name)).toEqual(['b', 'd']);
  });

  it('keeps an installed package of another version instead of downgrading it', () => {
    const plan = planPackages([pkg('chromium', '156.*')], new Map([['chromium', '157.0.1-1']]));
    expect(plan.missing).toEqual([]);
    expect(plan.present).toEqual(['chromium 157.0.1-1 (pinned 156.*; kept)']);
  });

  it('without dpkg, a package counts as present only through its own probe', () => {
    const plan = planPackages([pkg('x', '1.*', true), pkg('y', '1.*')], undefined);
    expect(plan.present).toEqual(['x']);
    expect(plan.missing.map((p) => p.name)).toEqual(['y']);
  });
});

describe('installPackages', () => {
  const missing: PackagePlan = { present: ['postgresql-15 15.18-0'], missing: [CHROMIUM, LIBXML2_UTILS] };

  it('runs no apt at all when everything is present', async () => {
    const { host, calls, lines } = fakeHost();
    await installPackages({ present: ['chromium 156.0', 'libxml2-utils 2.9.14'], missing: [] }, host);
    expect(calls).toEqual([]);
    expect(lines).toEqual(['✓ debian packages present: chromium 156.0, libxml2-utils 2.9.14']);
  });

  it('installs every missing package with one apt-get update and one apt-get install, pinned', async () => {
    const { host, calls } = fakeHost();
    await installPackages({ present: [], missing: [CHROMIUM, LIBXML2_UTILS, POSTGRESQL] }, host);
    expect(
      calls.map((c) => `${c.command} ${c.args.filter((a) => !a.startsWith('-') && !a.includes('::')).join(' ')}`),
    ).toEqual(['apt-get update', `apt-get install ${aptSpec(CHROMIUM)} ${aptSpec(LIBXML2_UTILS)} postgresql-15`]);
    expect(aptSpec(CHROMIUM)).toMatch(/^chromium=\d+\.\*$/);
    expect(aptSpec(LIBXML2_UTILS)).toMatch(/^libxml2-utils=.+-\*$/);
  });

  it('not root: no apt run, an error naming each package and the command to run', async () => {
    const { host, calls } = fakeHost({ isRoot: false });
    const error = await installPackages(missing, host).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProvisionError);
    const message = (error as Error).message;
    expect(message).toContain('missing Debian packages: chromium (headless browser');
    expect(message).toContain('libxml2-utils (xmllint');
    expect(message).toContain('(not root)');
    expect(message).toContain(`sudo apt-get install --no-install-recommends '${aptSpec(CHROMIUM)}'`);
    expect(message).not.toContain('E2E_POSTGRES_BIN');
    expect(calls).toEqual([]);
  });

  it('no apt-get: says so, and offers E2E_POSTGRES_BIN when PostgreSQL is missing', async () => {
    const { host, calls } = fakeHost({ hasAptGet: false });
    const error = await installPackages({ present: [], missing: [POSTGRESQL] }, host).catch((e: unknown) => e);
    expect((error as Error).message).toContain('(no apt-get)');
    expect((error as Error).message).toContain('E2E_POSTGRES_BIN');
    expect(calls).toEqual([]);
  });

  it('a pin apt no longer offers gets a hint to update VERSIONS', async () => {
    const { host } = fakeHost({
      run: async (label) => {
        if (label === 'apt-get install')
          throw new ProvisionError(
            "apt-get install: apt-get exited with 100\nE: Version '156.*' for 'chromium' was not found",
          );
      },
    });
    await expect(installPackages(missing, host)).rejects.toThrow(/update VERSIONS in helpers\/stack\/topology\.ts/);
  });
});
