import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { GpuInstance } from './provider';

/** One instance the product started, kept on disk so a restarted worker can still stop and bill it. */
export interface LedgerEntry extends GpuInstance {
  provider: string;
  /** The run that holds it: "<workflowId>/<runId>". */
  owner: string;
  /** When the start was requested: billing starts here. */
  requestedAt: string;
  /** When the stop was confirmed: billing ends here. */
  stoppedAt?: string;
  /** Set when someone other than the holder stopped it (the reaper), and why. */
  stopReason?: string;
}

/**
 * A durable record of managed instances, one JSON file per owner. Starting consults it first (a retried start reuses
 * the running instance instead of paying for a second one); stopping works from it even when the start activity's
 * result never reached the workflow.
 */
export class InstanceLedger {
  private readonly dir: string;

  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  async get(owner: string): Promise<LedgerEntry | undefined> {
    try {
      return JSON.parse(await readFile(this.pathOf(owner), 'utf8')) as LedgerEntry;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async put(entry: LedgerEntry): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const path = this.pathOf(entry.owner);
    // Write then rename: a crash mid-write never leaves a half record that would hide a running instance.
    await writeFile(`${path}.tmp`, JSON.stringify(entry, null, 2));
    await rename(`${path}.tmp`, path);
  }

  /** Every instance not confirmed stopped: what a reaper or an operator looks at. */
  async live(): Promise<LedgerEntry[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const entries = await Promise.all(
      names
        .filter((n) => n.endsWith('.json'))
        .map(async (n) => JSON.parse(await readFile(join(this.dir, n), 'utf8')) as LedgerEntry),
    );
    return entries.filter((e) => !e.stoppedAt);
  }

  private pathOf(owner: string): string {
    return join(this.dir, `${encodeURIComponent(owner)}.json`);
  }
}
