/**
 * The owner's jobs, one at a time (the engine is not safe for overlapping
 * writes), in two lanes: requests a client waits for run before background
 * work (catching up on notices, flushing, merging), so a query is never
 * starved by a storm of writes — it runs between background jobs, and
 * background work is cut into short jobs for that reason.
 *
 * @module
 */

/** Which lane a job runs in. */
export type JobLane = "request" | "background";

interface Job {
  work: () => Promise<unknown>;
  done: (error?: unknown) => void;
}

/** Runs jobs one at a time, requests first. */
export class JobQueue {
  readonly #lanes: Record<JobLane, Job[]> = { request: [], background: [] };
  readonly #onError: (error: unknown) => void;
  #busy = false;
  #idle: (() => void)[] = [];

  /** `onError` hears every job's failure (the job's own promise still resolves). */
  constructor(onError: (error: unknown) => void) {
    this.#onError = onError;
  }

  /** Jobs waiting, by lane. */
  get waiting(): Record<JobLane, number> {
    return { request: this.#lanes.request.length, background: this.#lanes.background.length };
  }

  /** Whether a job runs now. */
  get busy(): boolean {
    return this.#busy;
  }

  /** Queues `work`; resolves once it ran (failed or not: failures go to `onError`). */
  run(work: () => Promise<unknown>, lane: JobLane): Promise<void> {
    return new Promise((resolve) => {
      this.#lanes[lane].push({ work, done: () => resolve() });
      void this.#pump();
    });
  }

  /** Resolves once no job runs or waits. */
  idle(): Promise<void> {
    if (!this.#busy) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  async #pump(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      for (let job = this.#next(); job !== undefined; job = this.#next()) {
        try {
          await job.work();
        } catch (error) {
          this.#onError(error);
        }
        job.done();
      }
    } finally {
      this.#busy = false;
      for (const resolve of this.#idle.splice(0)) resolve();
    }
  }

  #next(): Job | undefined {
    return this.#lanes.request.shift() ?? this.#lanes.background.shift();
  }
}
