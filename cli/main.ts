/**
 * `potik` — the command line for authors, PMs, finance and admins. Each command lives in
 * cli/commands/<name>.ts and registers itself on the program. Only the module of the command
 * given is loaded (all of them for help or an unknown command), so `potik billing export` does
 * not hold the definition compiler in memory while it streams a million rows.
 */
import { Command } from 'commander';

type Register = (program: Command) => void;

const definitions = async (): Promise<Register[]> => {
  const m = await import('./commands/definitions.ts');
  return [m.registerValidateCommand, m.registerGraphCommand, m.registerEstimateCommand];
};
const COMMANDS: Record<string, () => Promise<Register[]>> = {
  users: async () => [(await import('./commands/users.ts')).registerUsersCommand],
  billing: async () => [(await import('./commands/billing.ts')).registerBillingCommands],
  entitlement: async () => [(await import('./commands/billing.ts')).registerBillingCommands],
  validate: definitions,
  graph: definitions,
  estimate: definitions,
};

const program = new Command()
  .name('potik')
  .description('Service processes of the GIS service desk: definitions, engagements, billing.')
  .showHelpAfterError();

const given = COMMANDS[process.argv[2] ?? ''];
const loaders = given ? [given] : [...new Set(Object.values(COMMANDS))];
for (const load of loaders) for (const register of await load()) register(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = process.exitCode || 1;
});
