import type { ChildProcess } from 'node:child_process';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Resolves when the child exits, or fails to start at all (then code is null and error is set). */
export function watchExit(child: ChildProcess): Promise<ExitInfo & { error?: Error }> {
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (error) => resolve({ code: null, signal: null, error }));
  });
}

export function describeExit(exit: ExitInfo & { error?: Error }): string {
  if (exit.error) return `failed to start: ${exit.error.message}`;
  return exit.signal ? `killed by ${exit.signal}` : `exited with code ${exit.code}`;
}

/** SIGTERM first so the server can close its database cleanly; SIGKILL if it has not gone after `graceMs`. */
export async function stopChild(child: ChildProcess, exited: Promise<ExitInfo>, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const gone = await Promise.race([
    exited.then(() => true),
    new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), graceMs))),
  ]);
  clearTimeout(timer);
  if (!gone) {
    child.kill('SIGKILL');
    await exited;
  }
}

/** Keeps the last `limit` characters of a stream, enough to explain a crash without holding a whole log. */
export function tail(stream: NodeJS.ReadableStream | null, limit = 16_000): () => string {
  let text = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => {
    text = (text + chunk).slice(-limit);
  });
  return () => text;
}
