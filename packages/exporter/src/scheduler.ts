/** Thrown to a waiter whose deadline passed before a slot was free: nothing was run. */
export class QueueDeadlineError extends Error {
  constructor() {
    super('no probe slot became free before the deadline');
    this.name = 'QueueDeadlineError';
  }
}

/**
 * Bounded concurrency with joining: at most `limit` jobs run at once, and a job
 * whose key is already queued or running is joined, not started a second time.
 * Results are never kept after a job settles, so nothing stale is ever answered.
 */
export class ProbeScheduler<T> {
  private running = 0;
  private readonly queue: (() => void)[] = [];
  private readonly inFlight = new Map<string, Promise<T>>();

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('concurrency must be a positive integer');
  }

  get active(): number {
    return this.running;
  }
  get waiting(): number {
    return this.queue.length;
  }
  get keys(): number {
    return this.inFlight.size;
  }

  /** Runs `job` under `key` unless a job of that key is in flight; `joined` says which. */
  run(key: string, signal: AbortSignal, job: () => Promise<T>): { promise: Promise<T>; joined: boolean } {
    const existing = this.inFlight.get(key);
    if (existing) return { promise: existing, joined: true };
    const promise = this.acquire(signal)
      .then(async () => {
        try {
          return await job();
        } finally {
          this.release();
        }
      })
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, promise);
    return { promise, joined: false };
  }

  private acquire(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(new QueueDeadlineError());
    if (this.running < this.limit) {
      this.running += 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const grant = (): void => {
        signal.removeEventListener('abort', onAbort);
        this.running += 1;
        resolve();
      };
      const onAbort = (): void => {
        const i = this.queue.indexOf(grant);
        if (i >= 0) this.queue.splice(i, 1);
        reject(new QueueDeadlineError());
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.queue.push(grant);
    });
  }

  private release(): void {
    this.running -= 1;
    this.queue.shift()?.();
  }
}
