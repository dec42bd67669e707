import { Command } from 'commander';
import { archiveAuditLog } from '../../core/audit/archive.js';
import { verifyAuditArchives } from '../../core/audit/verify-archive.js';
import { verifyAuditChain, type VerifyReport } from '../../core/audit/verify.js';
import { invalid } from '../../core/errors.js';
import { cliActor, print, withLocalCore } from '../local-core.js';
import { withStoreOptions } from '../options.js';

interface StoreFlags {
  dataDir?: string;
  databaseUrl?: string;
}

/** A date or date-time as the ISO-8601 UTC text entries carry in `at`. */
function isoTime(raw: string, field: string): string {
  const t = new Date(raw);
  if (!/^\d{4}-\d{2}-\d{2}/.test(raw) || Number.isNaN(t.getTime()))
    throw invalid(field, `must be a date such as 2026-01-31 or 2026-01-31T12:00:00Z, got "${raw}"`);
  return t.toISOString();
}

function printChain(title: string, report: Pick<VerifyReport, 'ok' | 'entries' | 'problems'>): void {
  if (report.ok) print(`${title} intact: ${report.entries} entries verified`);
  else {
    print(`${title} BROKEN (${report.entries} entries read):`);
    for (const p of report.problems) print(`  entry ${p.seq}: ${p.problem}`);
  }
}

/** Exit status 2 when the chain is broken, so scripts can tell tampering from an operational error (1). */
export function auditCommand(): Command {
  const audit = new Command('audit').description('Inspect, verify and archive the audit log.');
  audit.addCommand(
    withStoreOptions(new Command('verify'))
      .description('Check the hash chain of the audit log; reports edited, inserted or deleted entries.')
      .option('--json', 'machine-readable report')
      .option(
        '--archive <file...>',
        'also verify archive files from `hush admin audit archive`, oldest first, against each other and the live log',
      )
      .addHelpText(
        'after',
        '\nExit codes: 0 intact, 1 could not check, 2 tampering found.\n\nExamples:\n  hush admin audit verify --data-dir ./data\n  hush admin audit verify --archive audit-2025.jsonl audit-2026.jsonl',
      )
      .action(async (o: StoreFlags & { json?: boolean; archive?: string[] }) =>
        withLocalCore(o, async (core) => {
          if (o.archive?.length) {
            const result = await verifyAuditArchives(core.db, o.archive);
            if (o.json) print(JSON.stringify(result, null, 2));
            else {
              for (const a of result.archives) printChain(`archive ${a.file} (entries ${a.firstSeq}..${a.lastSeq})`, a);
              printChain('audit log', result.live);
            }
            if (!result.ok) process.exitCode = 2;
            return;
          }
          const report = await verifyAuditChain(core.db);
          if (o.json) print(JSON.stringify(report, null, 2));
          else printChain('audit log', report);
          if (report.ok && report.archivedThrough !== undefined && !o.json)
            print(`  (entries 1..${report.archivedThrough} are archived; check them with --archive FILE...)`);
          if (!report.ok) process.exitCode = 2;
        }),
      ),
  );
  audit.addCommand(
    withStoreOptions(new Command('archive'))
      .description(
        'Move the entries older than a date to a file (JSON lines) and remove them from the database, leaving a checkpoint entry so the rest still verifies.',
      )
      .requiredOption('--before <date>', 'archive the entries older than this (e.g. 2026-01-01)')
      .requiredOption('--to <file>', 'the archive file to write; must not exist')
      .option('--json', 'machine-readable result')
      .addHelpText(
        'after',
        '\nOne transaction: either the file holds the entries and they are gone from the database, or nothing changed.\nKeep the file: `hush admin audit verify --archive FILE` checks it against the live log.\n\nExample:\n  hush admin audit archive --before 2026-01-01 --to /backup/hush-audit-2025.jsonl',
      )
      .action(async (o: StoreFlags & { before: string; to: string; json?: boolean }) => {
        const before = isoTime(o.before, '--before');
        await withLocalCore(o, async (core) => {
          const result = await archiveAuditLog(core, { before, file: o.to, actor: cliActor() });
          if (o.json) print(JSON.stringify(result, null, 2));
          else if (!result.checkpoint) print(`nothing to archive: no entry is older than ${before}`);
          else {
            const c = result.checkpoint;
            print(
              `archived ${c.entries} entries (${c.archived_from_seq}..${c.archived_through_seq}) to ${o.to}; checkpoint entry ${c.seq}`,
            );
          }
        });
      }),
  );
  return audit;
}
