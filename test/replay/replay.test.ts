import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { replayHistories } from '../../temporal/workflow-bundle';

const HISTORIES = join(__dirname, 'histories');

/**
 * test/replay/histories/ holds runs of the current workflow shape (re-recorded with RECORD_HISTORIES=1 npm test). A change
 * guarded by patched() keeps the histories recorded before it in a folder of its own (test/replay/histories/v<N>/) until
 * the patch is retired; the shapes before 2026-11-30 (v1: before the GPU-stop, invalid-input and reset patches;
 * v2: runs with an instance of their own) were retired that day (docs/architecture.md, "Changing the workflow");
 * v3/ holds runs from before the llm-slots patch (a run called the model without a slot from the pool); v4/ pools
 * from before pool-grants-at-once (one grant signal per workflow task); v5/ runs and pools from before
 * slot-wait-looks-not-asks and pool-continues-when-calm (a waiting run asked the pool again at every holder check);
 * v6/ runs from before sent-checked-first (a run that found its report sent did so at the email, after the GPU) and
 * mornings from before morning-audited (a morning with a failed report completed, with no audit or digest); v7/
 * mornings from before config-drift-told (a morning did not ask which configs its queue's workers run); v8/ runs
 * from before report-cards (no run posted a card to a chat group); v9/ mornings from before morning-keeps-deadline
 * (a morning kept no deadline); v10/ mornings from before morning-orders-gpus (a morning ordered no fleet); v11/
 * mornings from before reports-named-sales-report (a morning started its reports as weeklySalesReport); v12/ fleets
 * from before fleet-rate-of-busy-rounds (a fleet took its rate over every tick it served, after two reports an
 * instance).
 */
describe('replaying recorded runs against the current workflow code', () => {
  const files = readdirSync(HISTORIES, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.json'))
    .sort();

  it('has representative histories to replay, of every way a run and a pool end', () => {
    const representative = [
      'sent.json',
      'sent-after-3-llm-attempts.json',
      'failed-llm-invalid.json',
      'cancelled-during-generation.json',
    ];
    expect(files).toEqual(
      expect.arrayContaining([
        ...representative,
        'failed-invalid-input.json',
        'already-sent-after-reset-before-generation.json',
        'sent-after-reset-mid-generation.json',
        'sent-narrative-withheld.json',
        'gpu-pool-three-holders.json',
        'gpu-pool-stop-refused.json',
        'gpu-pool-continued-as-new.json',
        'gpu-pool-before-continue-as-new.json',
        'sent-recipient-refused.json',
        'delivery-unknown.json',
        'already-sent-before-lease.json',
        'sent-numbers-only-gpu-never-ready.json',
        'sent-holding-llm-slot.json',
        'gpu-pool-llm-slots.json',
        'morning-reports-split-by-region.json',
        'sent-split-value-rerun.json',
        'morning-reports-day-week-month.json',
        'v3/sent.json',
        'v3/sent-after-reset-mid-generation.json',
        'v4/gpu-pool-three-holders.json',
        'v5/sent-holding-llm-slot.json',
        'v5/gpu-pool-llm-slots.json',
        'v5/gpu-pool-continued-as-new.json',
        'v6/already-sent.json',
        'v6/sent-after-reset-before-generation.json',
        'v6/morning-reports-split-by-region.json',
        'v7/morning-reports-split-by-region.json',
        'v8/sent.json',
        'v8/delivery-unknown.json',
        'morning-reports-deadline-missed.json',
        'v9/morning-reports-split-by-region.json',
        'v9/morning-reports-day-week-month.json',
        'morning-reports-fleet-ordered.json',
        'sent-on-fleet-slot.json',
        'gpu-fleet-three-instances.json',
        'gpu-fleet-before-continue-as-new.json',
        'gpu-fleet-instance-replaced.json',
        'v10/morning-reports-deadline-missed.json',
        'v10/morning-reports-split-by-region.json',
        'v11/morning-reports-fleet-ordered.json',
        'v11/morning-reports-split-by-region.json',
        'v12/gpu-fleet-three-instances.json',
        'v12/gpu-fleet-before-continue-as-new.json',
        'v12/gpu-fleet-instance-replaced.json',
      ]),
    );
  });

  it('replays every history without a determinism error', async () => {
    const results = await replayHistories(HISTORIES, { code: inject('workflowBundleCode') });
    expect(results).toEqual(files.map((file) => ({ file })));
  });
});
