import { spawnSync } from 'node:child_process';
import { postgresBinDir } from '../project-paths.js';
import { VERSIONS } from '../topology.js';
import { has, ProvisionError, runStep } from './step.js';

/** A Debian package `npm run setup` installs when it is missing. */
export interface DebianPackage {
  name: string;
  /** apt's version pattern (`156.*`); absent when the name carries the version (postgresql-15). */
  version?: string;
  /** What the suite needs it for, in progress and error lines. */
  purpose: string;
  /** Present without dpkg knowing (a binary on PATH, E2E_POSTGRES_BIN): the only test off Debian. */
  presentOtherwise: () => boolean;
}

export const CHROMIUM: DebianPackage = {
  name: 'chromium',
  version: `${VERSIONS.chromiumMajor}.*`,
  purpose: 'headless browser for the HTML report test',
  presentOtherwise: () => has('chromium'),
};

export const LIBXML2_UTILS: DebianPackage = {
  name: 'libxml2-utils',
  version: `${VERSIONS.libxml2Utils}-*`,
  purpose: 'xmllint, for the JUnit schema check',
  presentOtherwise: () => has('xmllint'),
};

export const POSTGRESQL: DebianPackage = {
  name: `postgresql-${VERSIONS.postgresMajor}`,
  purpose: `PostgreSQL ${VERSIONS.postgresMajor} for the native stack`,
  presentOtherwise: () => postgresBinDir(VERSIONS.postgresMajor) !== undefined,
};

/** Debian's Python is 3.11; `python3 -m venv` needs python3-venv (ensurepip) besides it. */
export const PYTHON: readonly DebianPackage[] = [
  { name: 'python3', purpose: 'Python 3.11 for the virtualenv', presentOtherwise: () => has('python3') },
  {
    name: 'python3-venv',
    purpose: 'python3 -m venv',
    presentOtherwise: () => spawnSync('python3', ['-c', 'import ensurepip, venv'], { stdio: 'ignore' }).status === 0,
  },
];

/** `name=version` as apt-get install takes it. */
export function aptSpec(pkg: DebianPackage): string {
  return pkg.version ? `${pkg.name}=${pkg.version}` : pkg.name;
}

/** apt's version patterns use `*` as a wildcard; everything else is literal. */
export function versionMatches(pattern: string, version: string): boolean {
  const literal = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${literal.join('.*')}$`).test(version);
}

/** `dpkg-query -W -f '${Package}\t${db:Status-Abbrev}\t${Version}\n'` output: installed (ii) packages. */
export function parseDpkgQuery(stdout: string): Map<string, string> {
  const installed = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const [name, status, version] = line.split('\t');
    if (name && version && status?.trim() === 'ii') installed.set(name, version);
  }
  return installed;
}

/** Installed versions according to dpkg, or undefined when there is no dpkg (not Debian). */
export function dpkgInstalled(names: string[]): Map<string, string> | undefined {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own field syntax, not a template.
  const query = spawnSync('dpkg-query', ['-W', '-f=${Package}\t${db:Status-Abbrev}\t${Version}\n', ...names], {
    encoding: 'utf8',
  });
  // dpkg-query exits 1 when some name is unknown and still lists the others.
  if (query.error) return undefined;
  return parseDpkgQuery(query.stdout);
}

export interface PackagePlan {
  /** Present packages, each as one word for the log (`chromium 156.0.8078.108-1~deb12u1`). */
  present: string[];
  missing: DebianPackage[];
}

/**
 * What is there and what is missing. An installed package of another version than the pin is kept
 * (with a note): a security update or the user's own upgrade is not undone by a downgrade.
 */
export function planPackages(
  wanted: readonly DebianPackage[],
  installed: Map<string, string> | undefined,
): PackagePlan {
  const plan: PackagePlan = { present: [], missing: [] };
  for (const pkg of wanted) {
    const version = installed?.get(pkg.name);
    if (version !== undefined) {
      const off = pkg.version && !versionMatches(pkg.version, version) ? ` (pinned ${pkg.version}; kept)` : '';
      plan.present.push(`${pkg.name} ${version}${off}`);
    } else if (pkg.presentOtherwise()) {
      plan.present.push(pkg.name);
    } else {
      plan.missing.push(pkg);
    }
  }
  return plan;
}

export interface AptHost {
  isRoot: boolean;
  hasAptGet: boolean;
  run: typeof runStep;
  log: (line: string) => void;
}

const systemHost: AptHost = {
  isRoot: process.getuid?.() === 0,
  hasAptGet: has('apt-get'),
  run: runStep,
  log: (line) => console.log(line),
};

// Waits for a dpkg lock held by someone else (unattended-upgrades) instead of failing at once.
const LOCK_WAIT = ['-o', 'DPkg::Lock::Timeout=120'];

/**
 * The one apt step: every missing package in one `apt-get update` and one `apt-get install`, so
 * no two apt runs ever race for the dpkg lock; nothing runs at all when everything is present.
 */
export async function installPackages(plan: PackagePlan, host: AptHost = systemHost): Promise<void> {
  if (plan.missing.length === 0) {
    host.log(`✓ debian packages present: ${plan.present.join(', ')}`);
    return;
  }
  const specs = plan.missing.map(aptSpec);
  const list = plan.missing.map((pkg) => `${pkg.name} (${pkg.purpose})`).join(', ');
  if (!host.isRoot || !host.hasAptGet) {
    const postgres = plan.missing.includes(POSTGRESQL)
      ? `; for PostgreSQL you may instead set E2E_POSTGRES_BIN to the bin directory of PostgreSQL ${VERSIONS.postgresMajor}`
      : '';
    throw new ProvisionError(
      `missing Debian packages: ${list}. setup installs them only as root with apt-get (${host.hasAptGet ? 'not root' : 'no apt-get'}); ` +
        `install them yourself: sudo apt-get install --no-install-recommends ${specs.map((s) => `'${s}'`).join(' ')}${postgres}`,
    );
  }
  host.log(`• debian packages: apt-get install ${specs.join(' ')}…`);
  await host.run('apt-get update', 'apt-get', [...LOCK_WAIT, 'update', '-qq']);
  try {
    await host.run(
      'apt-get install',
      'apt-get',
      [...LOCK_WAIT, 'install', '-y', '-qq', '--no-install-recommends', ...specs],
      {
        DEBIAN_FRONTEND: 'noninteractive',
      },
    );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // Debian security updates retire exact versions; a pin that no longer resolves needs a bump.
    const hint = /Version '[^']+' for '[^']+' was not found/.test(message)
      ? '\nthe pinned version is no longer offered: see `apt-cache policy <package>` and update VERSIONS in helpers/stack/topology.ts'
      : '';
    throw new ProvisionError(`${message}${hint}`);
  }
  host.log(`✓ debian packages installed: ${plan.missing.map((pkg) => pkg.name).join(', ')}`);
}
