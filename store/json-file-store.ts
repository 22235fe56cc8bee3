import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/**
 * One JSON file per key in a directory: the durable records (GPU ledger, sent e-mails, leases) that must survive a
 * worker crash. Writes go to a temporary file and are renamed, so a crash never leaves half a record.
 */
export class JsonFileStore<T> {
  private readonly dir: string;

  constructor(
    dir: string,
    private readonly fileName: (key: string) => string = (key) => encodeURIComponent(key),
  ) {
    this.dir = resolve(dir);
  }

  async get(key: string): Promise<T | undefined> {
    try {
      return JSON.parse(await readFile(this.pathOf(key), 'utf8')) as T;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async put(key: string, value: T): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const path = this.pathOf(key);
    await writeFile(`${path}.tmp`, JSON.stringify(value, null, 2));
    await rename(`${path}.tmp`, path);
  }

  async all(): Promise<T[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    return Promise.all(
      names
        .filter((n) => n.endsWith('.json'))
        .map(async (n) => JSON.parse(await readFile(join(this.dir, n), 'utf8')) as T),
    );
  }

  private pathOf(key: string): string {
    return join(this.dir, `${this.fileName(key)}.json`);
  }
}
