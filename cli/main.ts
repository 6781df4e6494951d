/**
 * `potik` — the command line for authors, PMs, finance and admins. Each module under cli/commands
 * registers its commands on the program. Only the module of the command given is loaded (all of
 * them for help or an unknown command), so `potik billing export` does not hold the definition
 * compiler in memory while it streams a million rows.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';

type Register = (program: Command) => void;

/** A module of commands: the names it registers, and how to load its registrations. */
interface CommandModule {
  commands: readonly string[];
  load: () => Promise<Register[]>;
}

/** Every module once: a module named by two commands must still register its commands once. */
const COMMAND_MODULES: readonly CommandModule[] = [
  {
    commands: ['users', 'keys'],
    load: async () => {
      const m = await import('./commands/users.ts');
      return [m.registerUsersCommand, m.registerKeysCommand];
    },
  },
  {
    commands: ['billing', 'entitlement'],
    load: async () => [(await import('./commands/billing.ts')).registerBillingCommands],
  },
  {
    commands: ['crs'],
    load: async () => [(await import('./commands/crs.ts')).registerCrsCommands],
  },
  {
    commands: ['releases'],
    load: async () => [(await import('./commands/releases.ts')).registerReleasesCommand],
  },
  {
    commands: ['schedules'],
    load: async () => [(await import('./commands/schedules.ts')).registerSchedulesCommand],
  },
  {
    commands: ['validate', 'graph', 'estimate'],
    load: async () => {
      const m = await import('./commands/definitions.ts');
      return [m.registerValidateCommand, m.registerGraphCommand, m.registerEstimateCommand];
    },
  },
];

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

const program = new Command()
  .name('potik')
  .description('Service processes of the GIS service desk: definitions, engagements, billing.')
  .version(version, '-V, --version', 'print the version')
  .showHelpAfterError();

const given = COMMAND_MODULES.find((m) => m.commands.includes(process.argv[2] ?? ''));
for (const module of given ? [given] : COMMAND_MODULES) for (const register of await module.load()) register(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = process.exitCode || 1;
});
