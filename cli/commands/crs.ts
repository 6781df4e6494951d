/**
 * `potik crs`: the coordinate systems, straight on DATABASE_URL through the same store as
 * `/v1/crs` — list the registry, show a municipal system with its residual report, define one from a
 * JSON file of tie points (as `POST /v1/crs/municipal` takes them).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CRS_REGISTRY } from '../../activities/gis/crs-registry.ts';
import type { MunicipalCrs, MunicipalCrsInput } from '../../activities/gis/municipal-crs.ts';
import { createMunicipalCrs, getMunicipalCrs, listMunicipalCrs } from '../../activities/gis/municipal-store.ts';
import { municipalView } from '../../api/routes/crs.ts';
import { isAppError } from '../../lib/errors.ts';
import { withDatabase } from '../database.ts';
import { formatTable } from '../table.ts';

const mm = (metres: number): string => `${(metres * 1000).toFixed(1)} mm`;

function printResiduals(system: MunicipalCrs): void {
  const chosen = system.fit.models.find((m) => m.method === system.method)!;
  console.log(`${system.code}  ${system.name}`);
  console.log(`  ${system.method} to ${system.baseCrs}, RMS ${mm(system.rmsM)}: ${system.fit.best.reason}`);
  const e = system.extent;
  console.log(`  taken over ${e.minX}–${e.maxX} E, ${e.minY}–${e.maxY} N, margin ${system.marginM} m`);
  const rows = chosen.residuals.map((r) => [r.id, r.role, mm(r.v), r.outlier ? 'outlier' : '']);
  console.log(formatTable([['Point', 'Role', '|v|', ''], ...rows]).join('\n'));
}

/** The command runs as the OS user on the database; it records who defined a system by that name. */
const definer = (): string => `cli:${process.env.USER ?? 'unknown'}`;

export function registerCrsCommands(program: Command): void {
  const crs = program.command('crs').description('Coordinate systems: the registry and the municipal systems');
  crs
    .command('list')
    .description('List the published systems and the municipal ones')
    .option('--json', 'print JSON (as GET /v1/crs does)')
    .action(async (options: { json?: boolean }) => {
      const municipal = await withDatabase(listMunicipalCrs);
      if (options.json) {
        console.log(JSON.stringify({ published: CRS_REGISTRY.map((e) => e.code), municipal }, null, 2));
        return;
      }
      const rows = [
        ...CRS_REGISTRY.map((e) => [e.code, e.kind, e.name, '—']),
        ...municipal.map((s) => [s.code, 'municipal', s.name, `${s.method} → ${s.baseCrs}, RMS ${mm(s.rmsM)}`]),
      ];
      console.log(formatTable([['Code', 'Kind', 'Name', 'Defined by'], ...rows]).join('\n'));
    });

  crs
    .command('show <code>')
    .description('A municipal system with its residual report')
    .option('--json', 'print JSON (as GET /v1/crs/municipal/{code} does)')
    .action(async (code: string, options: { json?: boolean }) => {
      const system = await withDatabase((pool) => getMunicipalCrs(pool, code));
      if (options.json) console.log(JSON.stringify(municipalView(system), null, 2));
      else printResiduals(system);
    });

  crs
    .command('define <file>')
    .description(
      'Define a municipal system from a JSON file: { code, name, baseCrs, points: [{ id, source, target }] }',
    )
    .option('--code <code>', 'the code, LOCAL:<NAME> (overrides the file)')
    .option('--name <name>', 'the name (overrides the file)')
    .action(async (file: string, options: { code?: string; name?: string }) => {
      const body = JSON.parse(readFileSync(file, 'utf8')) as MunicipalCrsInput;
      const input = {
        ...body,
        ...(options.code ? { code: options.code } : {}),
        ...(options.name ? { name: options.name } : {}),
      };
      try {
        printResiduals(await withDatabase((pool) => createMunicipalCrs(pool, input, definer())));
      } catch (error) {
        if (!isAppError(error)) throw error;
        console.error(error.message);
        process.exitCode = 2;
      }
    });
}
