import { Command } from 'commander';
import fs from 'node:fs';
import { engineContext } from '../core/engine-context.js';
import type { UserId } from '../core/ids.js';
import type { Caller, EngineCommandSpec, EngineManifest } from '../core/ports.js';
import { cliActor, print, withLocalCore } from './local-core.js';
import { withStoreOptions } from './options.js';

/** Whoever can run `hush admin` next to the data holds every key already; engine commands act as a superuser. */
const operatorCaller: Caller = {
  user: { id: 0 as UserId, username: 'cli', kind: 'person', isSuperuser: true },
  tokenId: null,
  sessionId: null,
  writeEnabled: true,
};

const collect = (value: string, previous: string[] = []) => [...previous, value];

function commandOf(manifest: EngineManifest, spec: EngineCommandSpec): Command {
  const command = withStoreOptions(new Command(spec.name)).description(spec.description);
  for (const a of spec.arguments ?? []) command.argument(a.name, a.description);
  for (const o of spec.options ?? []) {
    if (o.repeatable) command.option(o.flags, o.description, collect);
    else command.option(o.flags, o.description);
  }
  if (spec.help) command.addHelpText('after', `\n${spec.help}`);
  return command.action(async (...given: unknown[]) => {
    // Commander passes the declared arguments, then the options, then the command.
    const args = given.slice(0, spec.arguments?.length ?? 0).map(String);
    const options = given[spec.arguments?.length ?? 0] as Record<string, unknown>;
    await withLocalCore(options, async (core) => {
      const instance = await manifest.create(engineContext(core, manifest));
      const run = instance.commands?.[spec.name];
      if (!run) throw new Error(`Engine ${manifest.name} declares the command "${spec.name}" but does not run it.`);
      await run({
        args,
        options,
        caller: operatorCaller,
        actor: cliActor(),
        print,
        note: (line) => process.stderr.write(`${line}\n`),
        readText: (source) => fs.readFileSync(source === '-' ? 0 : source, 'utf8'),
      });
    });
  });
}

/** `hush admin <engine> …` for each engine that declares commands, built from its manifest alone. */
export function engineCommands(manifests: readonly EngineManifest[]): Command[] {
  return manifests
    .filter((m) => m.commands?.list.length)
    .map((m) => {
      const group = new Command(m.name).description(m.commands!.description);
      for (const spec of m.commands!.list) group.addCommand(commandOf(m, spec));
      return group;
    });
}
