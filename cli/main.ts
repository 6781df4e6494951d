/**
 * `potik` — the command line for authors, PMs, finance and admins. Each command lives in
 * cli/commands/<name>.ts and registers itself on the program.
 */
import { Command } from 'commander';
import { registerBillingCommands } from './commands/billing.ts';
import { registerEstimateCommand, registerGraphCommand, registerValidateCommand } from './commands/definitions.ts';
import { registerUsersCommand } from './commands/users.ts';

const program = new Command()
  .name('potik')
  .description('Service processes of the GIS service desk: definitions, engagements, billing.')
  .showHelpAfterError();

registerUsersCommand(program);
registerBillingCommands(program);
registerValidateCommand(program);
registerGraphCommand(program);
registerEstimateCommand(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = process.exitCode || 1;
});
