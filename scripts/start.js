#!/usr/bin/env node
// `npm start` on a fresh clone: install dependencies when they are missing, then start the stack.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
if (!existsSync(`${root}node_modules/.bin/tsx`)) {
  console.log('Installing dependencies (npm install)...');
  const install = spawnSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (install.status !== 0) process.exit(install.status ?? 1);
}
const stack = spawn(`${root}node_modules/.bin/tsx`, [`${root}scripts/stack.ts`], { cwd: root, stdio: 'inherit' });
// Signals go on to the stack, which stops everything in order (once, however many it gets:
// Ctrl-C reaches it directly too, through the shared process group).
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => stack.kill(signal));
stack.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
