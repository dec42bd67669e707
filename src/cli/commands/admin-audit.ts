import { Command } from 'commander';
import { verifyAuditChain } from '../../core/audit/verify.js';
import { print, withLocalCore } from '../local-core.js';
import { withStoreOptions } from '../options.js';

/** Exit status 2 when the chain is broken, so scripts can tell tampering from an operational error (1). */
export function auditCommand(): Command {
  const audit = new Command('audit').description('Inspect the audit log.');
  audit.addCommand(
    withStoreOptions(new Command('verify'))
      .description('Check the hash chain of the audit log; reports edited, inserted or deleted entries.')
      .option('--json', 'machine-readable report')
      .addHelpText(
        'after',
        '\nExit codes: 0 intact, 1 could not check, 2 tampering found.\n\nExample:\n  hush admin audit verify --data-dir ./data',
      )
      .action(async (o) =>
        withLocalCore(o, async (core) => {
          const report = await verifyAuditChain(core.db);
          if (o.json) print(JSON.stringify(report, null, 2));
          else if (report.ok) print(`audit log intact: ${report.entries} entries verified`);
          else {
            print(`audit log BROKEN (${report.entries} entries read):`);
            for (const p of report.problems) print(`  entry ${p.seq}: ${p.problem}`);
          }
          if (!report.ok) process.exitCode = 2;
        }),
      ),
  );
  return audit;
}
