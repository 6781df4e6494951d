import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root, where users run `npx potik`. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The `potik` command as users run it: a child process of bin/potik.js, from the repository root. */
export function potik(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/potik.js', ...args],
      { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'silent', ...env }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}
