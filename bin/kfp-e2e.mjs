#!/usr/bin/env node
// Entry point of the `kfp-e2e` command: registers tsx so the TypeScript sources run as they are.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../helpers/cli/main.ts');
await main(process.argv);
