import fs from 'node:fs';
import { Command } from 'commander';
import { checkAnchor, parseAnchor, type AuditHeads } from '../../core/audit/anchor.js';
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

/** The heads an earlier `--anchor` run saved; none yet (a first run) is not an error, an unreadable file is. */
function readAnchor(file: string): AuditHeads | undefined {
  if (!fs.existsSync(file)) return undefined;
  const heads = parseAnchor(fs.readFileSync(file, 'utf8'));
  if (!heads) throw invalid('--anchor', `${file} is not an anchor written by hush admin audit verify --anchor`);
  return heads;
}

/** Replaces the anchor as a whole (a new file renamed over it), so a crash never leaves half of one. */
function writeAnchor(file: string, heads: AuditHeads): void {
  const temp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(temp, `${JSON.stringify({ saved_at: new Date().toISOString(), heads }, null, 2)}\n`, {
    mode: 0o600,
  });
  fs.renameSync(temp, file);
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
      .option(
        '--anchor <file>',
        "compare with the stripes' heads a previous run saved in this file (kept off the database's machine), then save this run's heads there",
      )
      .addHelpText(
        'after',
        '\nExit codes: 0 intact, 1 could not check, 2 tampering found.\n\nWith --anchor, a stripe whose newest entries were deleted and whose head was moved back is found too; the file is\nwritten only when the check passes, so a failed run keeps what it was compared with.\n\nExamples:\n  hush admin audit verify --data-dir ./data\n  hush admin audit verify --archive audit-2025.jsonl audit-2026.jsonl\n  hush admin audit verify --anchor /mnt/offsite/hush-audit-anchor.json',
      )
      .action(async (o: StoreFlags & { json?: boolean; archive?: string[]; anchor?: string }) => {
        const saved = o.anchor === undefined ? undefined : readAnchor(o.anchor);
        await withLocalCore(o, async (core) => {
          const archived = o.archive?.length ? await verifyAuditArchives(core.db, o.archive) : undefined;
          const report = archived?.live ?? (await verifyAuditChain(core.db));
          if (saved) {
            const problems = await checkAnchor(core.db, report, saved);
            report.problems.push(...problems);
            report.ok &&= problems.length === 0;
          }
          const ok = report.ok && (archived?.archives.every((a) => a.ok) ?? true);
          if (o.json) print(JSON.stringify(archived ? { ...archived, ok } : report, null, 2));
          else {
            for (const a of archived?.archives ?? []) {
              printChain(`archive ${a.file} (entries ${a.firstSeq}..${a.lastSeq})`, a);
              for (const w of a.warnings) print(`  note: ${w}`);
            }
            printChain('audit log', report);
            if (report.ok && report.archivedThrough !== undefined && !archived)
              print(`  (entries 1..${report.archivedThrough} are archived; check them with --archive FILE...)`);
          }
          if (!ok) process.exitCode = 2;
          else if (o.anchor !== undefined) writeAnchor(o.anchor, report.heads);
        });
      }),
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
        '\nIn chunks of 10,000 entries, one transaction each: every entry is in the file, the database, or both, never in neither;\nif it stops midway, the file holds what was moved so far and a later run continues with the rest into a new file.\nKeep the file: `hush admin audit verify --archive FILE` checks it against the live log.\n\nExample:\n  hush admin audit archive --before 2026-01-01 --to /backup/hush-audit-2025.jsonl',
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
