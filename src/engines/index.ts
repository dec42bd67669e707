import type { EngineManifest } from '../core/ports.js';
import { HUSH_VERSION } from '../core/version.js';
import { adminEngine } from './admin/index.js';
import { listsEngine } from './lists/index.js';
import { passboltEngine } from './passbolt/index.js';
import { netboxEngine } from './netbox/index.js';
import { phaseEngine } from './phase/index.js';

/** The engines this build serves. A new engine is one line here and one folder beside this file. */
export function allEngines(): EngineManifest[] {
  const engines: EngineManifest[] = [];
  engines.push(adminEngine({ version: HUSH_VERSION, engineNames: () => engines.map((e) => e.name) }));
  engines.push(phaseEngine);
  engines.push(listsEngine);
  engines.push(passboltEngine);
  engines.push(netboxEngine);
  return engines;
}
