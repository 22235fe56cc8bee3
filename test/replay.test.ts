import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { describe, expect, inject, it } from 'vitest';

const HISTORIES = join(__dirname, 'histories');

/**
 * test/histories/ holds runs of the current workflow shape (re-recorded with RECORD_HISTORIES=1 npm test);
 * test/histories/v1/ and later folders keep runs recorded before a patched change, which must replay forever (or
 * until the patch is deprecated): production has such runs in flight when a new worker version starts.
 * v1: before the GPU-stop, invalid-input and reset patches. v2: before every run leased its GPU from the pool
 * (runs started and stopped an instance of their own; the pool was opt-in).
 */
describe('replaying recorded runs against the current workflow code', () => {
  const files = readdirSync(HISTORIES, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.json'))
    .sort();

  it('has representative histories to replay, of the current shape and of the shapes before each patch', () => {
    const representative = [
      'sent.json',
      'sent-after-3-llm-attempts.json',
      'failed-llm-invalid.json',
      'cancelled-during-generation.json',
    ];
    expect(files).toEqual(
      expect.arrayContaining([
        ...representative,
        ...representative.map((f) => join('v1', f)),
        ...representative.map((f) => join('v2', f)),
        join('v2', 'sent-gpu-stop-refused.json'),
        'failed-invalid-input.json',
        'sent-after-reset-before-generation.json',
        'sent-after-reset-mid-generation.json',
        'sent-narrative-withheld.json',
        'gpu-pool-three-holders.json',
        'gpu-pool-stop-refused.json',
        'gpu-pool-continued-as-new.json',
      ]),
    );
  });

  it('replays every history without a determinism error', async () => {
    const histories = files.map((f) => ({
      workflowId: f,
      history: historyFromJSON(JSON.parse(readFileSync(join(HISTORIES, f), 'utf8'))),
    }));
    const results: { file: string; error?: string }[] = [];
    for await (const r of Worker.runReplayHistories(
      { workflowBundle: { code: inject('workflowBundleCode') } },
      histories,
    )) {
      results.push({ file: r.workflowId, error: r.error ? String(r.error) : undefined });
    }
    expect(results).toEqual(files.map((file) => ({ file, error: undefined })));
  });
});
