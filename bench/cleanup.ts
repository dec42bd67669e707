/**
 * Teardown steps registered as resources come up, so a failure or Ctrl-C at any point stops exactly what was
 * started (child servers, the temp data dir) and nothing else.
 */
export class Cleanup {
  private readonly steps: Array<() => Promise<void>> = [];
  private running: Promise<void> | undefined;

  defer(step: () => Promise<void>): void {
    this.steps.push(step);
  }

  /** Runs every step once, newest first; a failing step is reported and does not stop the others. */
  run(): Promise<void> {
    this.running ??= (async () => {
      for (const step of this.steps.reverse()) {
        try {
          await step();
        } catch (err) {
          process.stderr.write(`bench: cleanup step failed: ${err instanceof Error ? err.message : String(err)}\n`);
        }
      }
    })();
    return this.running;
  }
}
