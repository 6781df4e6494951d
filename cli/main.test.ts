import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { potik } from '../test/helpers/potik.ts';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/** The commands `potik --help` lists, in order. */
function listedCommands(help: string): string[] {
  const section = help.split(/^Commands:$/m)[1] ?? '';
  return [...section.matchAll(/^ {2}([a-z][a-z-]*)/gm)].map((m) => m[1]!).filter((name) => name !== 'help');
}

describe('potik without a command', () => {
  it('when run bare, then it prints the usage with every command and exits 1, as a missing command is', async () => {
    const { code, stderr } = await potik([]);
    expect(stderr).toContain('Usage: potik');
    expect(stderr).not.toContain('Error:');
    expect(listedCommands(stderr)).toContain('billing');
    expect(code).toBe(1);
  });

  it('when --help is given, then the usage lists every command once and it exits 0', async () => {
    const { code, stdout, stderr } = await potik(['--help']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const commands = listedCommands(stdout);
    expect(commands).toEqual([
      'users',
      'keys',
      'billing',
      'entitlement',
      'crs',
      'releases',
      'schedules',
      'validate',
      'graph',
      'estimate',
    ]);
  });

  it('when --version is given, then it prints the package version and exits 0', async () => {
    const { code, stdout } = await potik(['--version']);
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(version);
  });

  it('when each listed command is asked for help, then it answers with its own usage', async () => {
    const commands = listedCommands((await potik(['--help'])).stdout);
    const answers = await Promise.all(commands.map((command) => potik([command, '--help'])));
    answers.forEach((help, i) => {
      expect(help.code, `${commands[i]} --help`).toBe(0);
      expect(help.stdout).toContain(`Usage: potik ${commands[i]}`);
    });
  }, 120_000);

  it('when the command is unknown, then it says so and exits 1', async () => {
    const { code, stderr } = await potik(['bogus']);
    expect(stderr).toContain("unknown command 'bogus'");
    expect(code).toBe(1);
  });
});
