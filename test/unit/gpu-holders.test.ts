import { describe, expect, it } from 'vitest';
import { billFor } from '../../gpu/billing';
import { holderKey, holderOf, instanceKey, isPoolInstance } from '../../gpu/holders';

const runId = '01a20fdf-0cab-7371-a99d-58d259aca676';

describe('GPU holder keys and the bill formula', () => {
  it('reads a key back, also when the workflow id has slashes and for a pool generation', () => {
    for (const workflowId of ['weekly-sales-report', 'reports/east/2026-11-20', 'wf$(touch x)']) {
      expect(holderOf(holderKey({ workflowId, runId }))).toEqual({ workflowId, runId });
      expect(holderOf(instanceKey({ workflowId, runId }, 3))).toEqual({ workflowId, runId });
      expect(isPoolInstance(instanceKey({ workflowId, runId }, 3))).toBe(true);
      expect(isPoolInstance(holderKey({ workflowId, runId }))).toBe(false);
    }
    expect(holderOf('not-a-holder-key')).toBeUndefined();
  });

  it('bills to 0.1 s and 0.0001 of the currency, never negative', () => {
    expect(billFor('aws-ec2', ['i-1'], 3600, { hourlyPrice: 0.805, currency: 'USD' })).toEqual({
      provider: 'aws-ec2',
      instanceIds: ['i-1'],
      billedSeconds: 3600,
      estimatedCost: 0.805,
      currency: 'USD',
    });
    expect(billFor('local-process', [], 12.345, { hourlyPrice: 9.5, currency: 'CNY' })).toMatchObject({
      billedSeconds: 12.3,
      estimatedCost: 0.0326,
    });
    expect(billFor('static', [], -5, { hourlyPrice: 1, currency: 'USD' }).billedSeconds).toBe(0);
  });
});
