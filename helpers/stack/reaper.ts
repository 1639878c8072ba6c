/**
 * The reaper: a small detached process that cleans up after a test runner that died. It reads
 * commands on stdin — `pid N` (a process group to stop), `dir PATH` (a folder to remove),
 * `release` (all stopped cleanly, exit) — and when stdin closes without `release`, its parent is
 * gone (even by SIGKILL): it stops every group and removes every folder.
 */
import { rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { signalGroup, waitForExit } from './native/managed-process.js';

const pids = new Set<number>();
const dirs = new Set<string>();
let released = false;

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const [command, ...rest] = line.trim().split(' ');
  const arg = rest.join(' ');
  if (command === 'pid') pids.add(Number(arg));
  else if (command === 'dir') dirs.add(arg);
  else if (command === 'release') released = true;
});
lines.on('close', async () => {
  if (released) process.exit(0);
  for (const pid of pids) signalGroup(pid, 'SIGTERM');
  await Promise.all(
    [...pids].map(async (pid) => {
      if (!(await waitForExit(pid, 5000))) signalGroup(pid, 'SIGKILL');
    }),
  );
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  process.exit(0);
});
