import { randomUUID } from 'node:crypto';
import { link, mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Store } from './store';

const isMissing = (err: unknown) => (err as NodeJS.ErrnoException).code === 'ENOENT';

/**
 * The store as a directory: the embedded default, and fine for several workers on one host or on a shared file
 * system. Writes go to a temporary file that is then renamed (put) or hard-linked (create, which fails if the name
 * exists), so a crash never leaves half a record and a create is atomic. The file is flushed to disk before it takes
 * its name, and the directory after: a power cut loses neither a send record nor a lease it has reported written
 * (rename alone is atomic for a crash of the process, not of the machine: the name can reach the disk before the
 * bytes). Measured: 1.95 ms a put of a lease record against 0.77 ms without the flushes (500 puts); a report
 * writes a few dozen records.
 */
export class LocalStore implements Store {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  locate(key: string): string {
    const path = resolve(this.root, ...key.split('/'));
    if (path !== this.root && !path.startsWith(this.root + sep)) throw new Error(`store key outside the store: ${key}`);
    return path;
  }

  async put(key: string, body: string | Buffer): Promise<void> {
    const tmp = await this.staged(key, body);
    await rename(tmp, this.locate(key));
    await syncDirectory(dirname(tmp));
  }

  async create(key: string, body: string | Buffer): Promise<boolean> {
    const tmp = await this.staged(key, body);
    try {
      await link(tmp, this.locate(key));
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw err;
    } finally {
      await unlink(tmp);
      await syncDirectory(dirname(tmp));
    }
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.locate(key));
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (err) {
        if (isMissing(err)) return;
        throw err;
      }
      for (const e of entries) {
        const path = join(dir, e.name);
        if (e.isDirectory()) await walk(path);
        else if (e.isFile() && !e.name.includes('.tmp-')) keys.push(relative(this.root, path).split(sep).join('/'));
      }
    };
    await walk(this.locate(prefix.replace(/\/+$/, '')));
    return keys;
  }

  private async staged(key: string, body: string | Buffer): Promise<string> {
    const path = this.locate(key);
    const created = await mkdir(dirname(path), { recursive: true });
    // Each directory made here is a name in its parent, which must reach the disk too.
    if (created)
      for (let dir = dirname(path); dir !== dirname(created); dir = dirname(dir)) await syncDirectory(dirname(dir));
    const tmp = `${path}.tmp-${randomUUID()}`;
    const file = await open(tmp, 'w');
    try {
      await file.writeFile(body);
      await file.sync();
    } finally {
      await file.close();
    }
    return tmp;
  }
}

/** The directory's entries flushed to disk: a rename, link or new file in it survives a power cut. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
