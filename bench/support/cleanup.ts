/**
 * A last-in-first-out stack of shutdown steps. Every resource a bench starts (a child
 * process, a server, a Redis connection) registers its own stop function right after it
 * starts, so a failure half-way through still stops exactly what was started, in reverse
 * order, and Ctrl-C does the same before exiting.
 */
export class Cleanup {
  private readonly steps: { label: string; stop: () => Promise<void> | void }[] = [];
  private running: Promise<void> | undefined;

  add(label: string, stop: () => Promise<void> | void): void {
    this.steps.push({ label, stop });
  }

  /** Runs every step once, even if some throw; safe to call more than once. */
  run(): Promise<void> {
    this.running ??= (async () => {
      for (let step = this.steps.pop(); step; step = this.steps.pop()) {
        try {
          await step.stop();
        } catch (error) {
          console.error(`[bench] cleanup of ${step.label} failed:`, error);
        }
      }
    })();
    return this.running;
  }

  /** Ctrl-C or a kill runs the cleanup before the process exits (exit code 130/143). */
  onSignals(): () => void {
    const handler = (signal: NodeJS.Signals) => {
      console.error(`[bench] ${signal}: stopping`);
      void this.run().then(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    };
    process.once('SIGINT', handler);
    process.once('SIGTERM', handler);
    return () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    };
  }
}
