import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { describe, expect, inject, it } from 'vitest';

const HISTORIES = join(__dirname, 'histories');

describe('replaying recorded runs against the current workflow code', () => {
  const files = readdirSync(HISTORIES)
    .filter((f) => f.endsWith('.json'))
    .sort();

  it('has representative histories to replay (record with RECORD_HISTORIES=1 npm test)', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'sent.json',
        'sent-after-3-llm-attempts.json',
        'failed-llm-invalid.json',
        'cancelled-during-generation.json',
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
