import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism, setPriority } from 'node:os';
import { extname, join } from 'node:path';
import { childEnvironment } from '../../config/child-env';
import type { RenderedFiles, RenderInput } from './render-all';

/** The render process's entry in the form this process runs: compiled JavaScript from the build, else the sources. */
const ENTRY =
  extname(__filename) === '.js'
    ? { path: join(__dirname, 'render-main.js'), execArgv: [] }
    : { path: join(__dirname, 'render-main.ts'), execArgv: ['--require', require.resolve('tsx/cjs')] };

/**
 * How much lower the render process runs than the worker (a nice value): a report renders after its GPU lease is
 * given back, so while other reports still write, the work the GPU waits for (their workflow tasks, the calls to the
 * model, the slot hand-offs) goes first and the renders take the CPU that is left.
 */
export const RENDER_NICENESS = 10;

type Answer = { id: number; files: RenderedFiles } | { id: number; error: string };

/**
 * Renders reports in a process of its own, started on first use and kept: charts, HTML and workbooks are CPU work
 * that would otherwise hold the worker's event loop (its heartbeats, activity completions and sends) and compete at
 * equal priority with the runs still writing. It sees none of the worker's secrets. If it dies, the renders in
 * flight fail (their activities retry) and the next render starts a new one.
 */
export class RenderProcess {
  private child?: ChildProcess;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (f: RenderedFiles) => void; reject: (e: Error) => void }>();

  render(input: RenderInput): Promise<RenderedFiles> {
    const child = this.child ?? this.start();
    const id = this.nextId++;
    return new Promise<RenderedFiles>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // While a render is in flight the channel keeps this process up; idle, it does not.
      child.channel?.ref();
      child.send({ id, input }, (err) => {
        if (err) this.settle(id, undefined, err);
      });
    });
  }

  /** Stops the process (a worker shutting down); renders in flight fail. */
  close(): void {
    this.child?.kill();
  }

  /** Renders waiting for this process: the pool gives a new one to the least busy. */
  get busy(): number {
    return this.pending.size;
  }

  /** The process's id while it runs (the benchmark reads its CPU time). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  private start(): ChildProcess {
    const child = fork(ENTRY.path, [], {
      execArgv: ENTRY.execArgv,
      serialization: 'advanced',
      env: childEnvironment(process.env),
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    try {
      if (child.pid !== undefined) setPriority(child.pid, RENDER_NICENESS);
    } catch {
      // Not allowed here (a container without the capability): it renders at the worker's priority.
    }
    child.on('message', (answer: Answer) =>
      this.settle(
        answer.id,
        'files' in answer ? answer.files : undefined,
        'error' in answer ? new Error(answer.error) : undefined,
      ),
    );
    child.once('exit', (code, signal) => {
      if (this.child === child) this.child = undefined;
      for (const id of [...this.pending.keys()])
        this.settle(id, undefined, new Error(`the render process exited (${code ?? signal})`));
    });
    child.channel?.unref();
    child.unref();
    this.child = child;
    return child;
  }

  private settle(id: number, files: RenderedFiles | undefined, error: Error | undefined): void {
    const waiting = this.pending.get(id);
    if (!waiting) return;
    this.pending.delete(id);
    if (this.pending.size === 0) this.child?.channel?.unref();
    if (error || !files) return waiting.reject(error ?? new Error('the render process answered nothing'));
    // Buffers cross the channel as Uint8Arrays.
    waiting.resolve({ ...files, chart: Buffer.from(files.chart), xlsx: Buffer.from(files.xlsx) });
  }
}

/**
 * One render process a core, each started on first use: at their lower priority they take only the CPU the worker
 * leaves, so a thousand reports render on every core without slowing the runs still writing.
 */
export class RenderPool {
  readonly processes: RenderProcess[];

  constructor(size = availableParallelism()) {
    this.processes = Array.from({ length: Math.max(1, size) }, () => new RenderProcess());
  }

  render(input: RenderInput): Promise<RenderedFiles> {
    const idle = this.processes.reduce((a, b) => (b.busy < a.busy ? b : a));
    return idle.render(input);
  }

  close(): void {
    for (const p of this.processes) p.close();
  }
}

let shared: RenderPool | undefined;

/** This process's render pool: every worker in it renders through the same one. */
export function sharedRenderPool(): RenderPool {
  shared ??= new RenderPool();
  return shared;
}
