import path from 'node:path';
import { HushError } from '../errors.js';
import { nextKeyFile, type RootKeyFiles, type RootKeySource } from './root-key.js';

/** What the keyring says when its keys and the database disagree. Messages name files and ids, never key bytes. */

const where = (source: RootKeySource, files: RootKeyFiles) =>
  source.inline ? 'HUSH_ROOT_KEY' : files.next ? `${source.file} and ${nextKeyFile(source)}` : source.file;

const held = (files: RootKeyFiles) => [files.current?.id, files.next?.id].filter(Boolean).join(' and ') || 'none';

/** The key file is missing. Nothing was created in its place. */
export function missingRootKey(
  source: RootKeySource,
  storedRootKeyIds: readonly string[],
  storeLocation: string,
): HushError {
  const pointElsewhere = 'or point HUSH_ROOT_KEY_FILE at the file, or give the key itself in HUSH_ROOT_KEY';
  if (!storedRootKeyIds.length) {
    return new HushError(
      'unavailable',
      `The root key file ${source.file} does not exist, and this command does not create one. Create the instance with \`hush admin init\` (or \`hush serve\`), ${pointElsewhere}.`,
      { reason: 'root_key_missing' },
    );
  }
  return new HushError(
    'unavailable',
    `The root key file ${source.file} is missing, but the database ${storeLocation} holds data keys wrapped by root key ` +
      `${storedRootKeyIds.join(', ')}. Nothing was changed and no new key was written. Put this instance's key file back ` +
      `at ${source.file}, ${pointElsewhere}.`,
    { reason: 'root_key_missing' },
  );
}

/** The key file exists but the stored data keys are wrapped by another root key. */
export function rootKeyMismatch(source: RootKeySource, files: RootKeyFiles, unknownIds: readonly string[]): HushError {
  return new HushError(
    'unavailable',
    `Root key ${unknownIds.join(', ')} is not available: the database's data keys are wrapped by it, but ${where(source, files)} ` +
      `holds root key ${held(files)}. Nothing was changed. Use this instance's key file (HUSH_ROOT_KEY_FILE) or key (HUSH_ROOT_KEY).`,
    { reason: 'root_key_missing' },
  );
}

/**
 * Another process rotated the root key and this one cannot load the new key: sealing would still be readable by
 * whoever holds it, but a process that could not restart must not keep writing as if nothing happened.
 */
export function rootKeySuperseded(source: RootKeySource, files: RootKeyFiles, storedId: string): HushError {
  return new HushError(
    'unavailable',
    `The root key was changed by another process: data keys are now wrapped by root key ${storedId}, which this process ` +
      `does not hold (it holds ${held(files)}). Writes are refused until the current root key file is installed.`,
    {
      reason: 'root_key_superseded',
      cause: new Error(
        `root key ${storedId} is in use by the database; ${where(source, files)} holds ${held(files)}: copy the current key file here`,
      ),
    },
  );
}

/** Stored data keys wrapped by different root keys: only data from a release without the keyring lock looks so. */
export function mixedRootKeys(ids: readonly string[]): HushError {
  return new HushError(
    'unavailable',
    `The data keys are wrapped by ${ids.length} different root keys (${ids.join(', ')}); run \`hush admin rotate-root-key\` to re-wrap them under one.`,
    { reason: 'root_keys_mixed' },
  );
}

/** A root-key rotation that has not finished, as the start of a process finds it. */
export interface InterruptedRotation {
  nextFile: string;
  nextRootKeyId: string;
  /** Whether the data keys are already wrapped by the next key (the rotation committed, the rename did not happen). */
  dataKeysUseNext: boolean;
}

/** The exact admin command for this instance, so the advice can be pasted. */
function adminCommand(
  sub: string,
  config: { dataDir: string; databaseUrl: string | undefined; rootKeyFile: string },
): string {
  const keyFile =
    config.rootKeyFile === path.join(config.dataDir, 'root.key') ? '' : `HUSH_ROOT_KEY_FILE=${config.rootKeyFile} `;
  const database = config.databaseUrl ? ' --database-url "$DATABASE_URL"' : '';
  return `${keyFile}hush admin ${sub} --data-dir ${config.dataDir}${database}`;
}

/** The warning for an unfinished rotation: what state it is in and the commands that finish or undo it. */
export function interruptedRotationAdvice(
  rotation: InterruptedRotation,
  config: Parameters<typeof adminCommand>[1],
): string {
  const finish = adminCommand('rotate-root-key', config);
  const undo = adminCommand('rotate-root-key --undo', config);
  const state = rotation.dataKeysUseNext
    ? `the data keys are already wrapped by the new key in ${rotation.nextFile}, which has not replaced ${config.rootKeyFile} yet; keep both files`
    : `${rotation.nextFile} holds a new root key that no data key uses yet`;
  return `A root-key rotation did not finish: ${state}. Finish it with \`${finish}\`, or undo it with \`${undo}\`.`;
}
