#!/usr/bin/env node
// `npm run setup`: the one set-up step. Plain JavaScript on purpose: it runs before the
// dependencies (TypeScript, tsx) exist. It installs the pinned node dependencies when the
// lockfile changed, then hands over to the TypeScript provisioner for the native servers.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`kfp-e2e needs Node.js >= 20.19 (found ${process.versions.node}).`);
  process.exit(2);
}

const lockHash = createHash('sha256')
  .update(readFileSync(join(root, 'package-lock.json')))
  .digest('hex');
const stamp = join(root, 'node_modules', '.kfp-e2e-lock-sha256');
if (existsSync(stamp) && readFileSync(stamp, 'utf8') === lockHash) {
  console.log('✓ node dependencies (unchanged lockfile)');
} else {
  console.log('• installing node dependencies (npm ci)…');
  const npm = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (npm.status !== 0) process.exit(npm.status ?? 1);
  writeFileSync(stamp, lockHash);
  console.log('✓ node dependencies');
}

// `npx kfp-e2e` looks in node_modules/.bin first; npm links the bins of dependencies there, not
// the project's own, so link it (otherwise npx would install a copy of the checkout and go stale).
const binLink = join(root, 'node_modules', '.bin', 'kfp-e2e');
rmSync(binLink, { force: true });
symlinkSync(join('..', '..', 'bin', 'kfp-e2e'), binLink);
console.log('✓ kfp-e2e command (npx kfp-e2e)');

const provision = spawnSync(
  process.execPath,
  ['--import', 'tsx', join(root, 'helpers/stack/provision/provision-cli.ts'), ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
process.exit(provision.status ?? 1);
