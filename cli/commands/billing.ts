import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InvalidArgumentError, type Command } from 'commander';
import { billingCsvChunks } from '../../api/billing-csv.ts';
import { CLI_OPTIONS, parseBillingFilters, refuseUnknownNames } from '../../api/billing-query.ts';
import { selectUnknownFilterNames, streamBillingRecordBatches } from '../../db/queries/billing-records.ts';
import { isIsoDate, kyivDate } from '../../lib/calendar.ts';
import type { EntitlementRecord } from '../../workflows/messages.ts';
import { withDatabase } from '../database.ts';

function isoDate(value: string): string {
  if (!isIsoDate(value)) throw new InvalidArgumentError('must be a calendar date YYYY-MM-DD.');
  return value;
}

interface ExportOptions {
  from: string;
  to: string;
  customer?: string;
  contract?: string;
  service?: string;
}

/** The decision as a PM reads it: outcome and basis first, the reason last. */
export function describeDecision(d: EntitlementRecord): string {
  const lines = [
    `outcome:   ${d.outcome}`,
    `basis:     ${d.basis ?? '—'}`,
    `contract:  ${d.contractNumber ? `№ ${d.contractNumber} (${d.contractId})` : '—'}`,
    `window to: ${d.windowEnd ?? (d.outcome === 'allowed' ? 'open-ended' : '—')}`,
    `coverage:  ${d.coverage ?? '—'}${d.billable ? ' (billable)' : ''}`,
    `date:      ${d.decidedOn}`,
    `rules:     ${d.ruleVersion}`,
    `reason:    ${d.reason}`,
  ];
  return lines.join('\n');
}

export function registerBillingCommands(program: Command): void {
  const billing = program.command('billing').description('Finance: the billing ledger');
  billing
    .command('export')
    .description('Write billing records as CSV for Excel (UTF-8 with BOM, ";", decimal comma) to stdout')
    .requiredOption('--from <date>', 'first Europe/Kyiv date, YYYY-MM-DD', isoDate)
    .requiredOption('--to <date>', 'last Europe/Kyiv date, YYYY-MM-DD (inclusive)', isoDate)
    .option('--customer <id>', 'only this customer')
    .option('--contract <id>', 'only this contract')
    .option('--service <code>', 'only this service, e.g. X-AUDIT')
    .action(async (options: ExportOptions) => {
      const query = {
        from: options.from,
        to: options.to,
        ...(options.customer ? { customer: options.customer } : {}),
        ...(options.contract ? { contract: options.contract } : {}),
        ...(options.service ? { service: options.service } : {}),
      };
      const filters = parseBillingFilters(query, CLI_OPTIONS);
      let rows = 0;
      await withDatabase(async (pool) => {
        refuseUnknownNames(await selectUnknownFilterNames(pool, filters), query, CLI_OPTIONS);
        const batches = streamBillingRecordBatches(pool, filters);
        const counted = (async function* () {
          for await (const batch of batches) {
            rows += batch.length;
            yield batch;
          }
        })();
        await pipeline(Readable.from(billingCsvChunks(counted)), process.stdout, { end: false });
      });
      console.error(`${rows} billing record(s), ${options.from} to ${options.to}.`);
    });

  program
    .command('entitlement')
    .description('Decide whether a customer is entitled to a service on a date, and on which basis')
    .requiredOption('--customer <id>', 'customer id, e.g. kp-teplomerezha')
    .requiredOption('--service <code>', 'catalog code, e.g. X-AUDIT')
    .option('--project <id>', 'project (needed for cloud access, basis d)')
    .option('--date <date>', 'Europe/Kyiv date, YYYY-MM-DD (default: today)', isoDate)
    .option('--json', 'print the decision as JSON')
    .action(async (options: { customer: string; service: string; project?: string; date?: string; json?: boolean }) => {
      const date = options.date ?? kyivDate(new Date());
      // Loaded here: an export should not carry the entitlement rules and the Temporal SDK in memory.
      const [{ decideForCustomer }, { ApplicationFailure }] = await Promise.all([
        import('../../activities/entitlement.ts'),
        import('@temporalio/common'),
      ]);
      const decision = await withDatabase((pool) =>
        decideForCustomer(pool, {
          customerId: options.customer,
          projectId: options.project ?? null,
          service: options.service,
          engagementId: null,
          at: `${date}T12:00:00Z`,
        }),
      ).catch((error: unknown) => {
        if (error instanceof ApplicationFailure) throw new InvalidArgumentError(error.message);
        throw error;
      });
      console.log(options.json ? JSON.stringify(decision, null, 2) : describeDecision(decision));
      if (decision.outcome === 'denied') process.exitCode = 2;
    });
}
