import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalStore } from '../../store/local-store';
import { ROOT } from '../helpers/harness';

/** A writer that puts 4 MB records of one letter under one key, A, B, A, …, and a create each time, until killed. */
const WRITER = `
const { LocalStore } = require(${JSON.stringify(join(ROOT, 'store', 'local-store.ts'))});
const store = new LocalStore(process.argv[1]);
(async () => {
  for (let i = 0; ; i++) {
    const letter = i % 2 ? 'B' : 'A';
    await store.put('sends/2026-11-20/weekly.json', letter.repeat(4 * 1024 * 1024));
    await store.create('leases/' + i + '.json', JSON.stringify({ holder: 'run-' + i, pad: letter.repeat(1024 * 1024) }));
    if (i === 0) process.stdout.write('writing\\n');
  }
})();
`;

describe('a local write killed halfway leaves the record whole or not at all', () => {
  it('a writer killed at random points, five times: every record read back is complete', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sales-report-crash-'));
    for (const [round, afterMs] of [30, 75, 120, 180, 260].entries()) {
      const child = spawn(process.execPath, ['--require', 'tsx/cjs', '-e', WRITER, dir], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      await new Promise((resolve) => child.stdout.once('data', resolve));
      await new Promise((resolve) => setTimeout(resolve, afterMs));
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('close', resolve));

      const store = new LocalStore(dir);
      const record = (await store.get('sends/2026-11-20/weekly.json'))!.toString();
      expect(record.length, `round ${round}`).toBe(4 * 1024 * 1024);
      expect(new Set(record).size, `round ${round}: one writer's record, not two spliced`).toBe(1);
      const leases = await store.list('leases/');
      expect(leases.length).toBeGreaterThan(0);
      // Every lease that has a name parses: none is the first half of one (a staged file is never listed).
      for (const key of leases)
        expect((JSON.parse((await store.get(key))!.toString()) as { holder: string }).holder).toMatch(/^run-\d+$/);
    }
  });
});
