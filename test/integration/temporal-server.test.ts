import { Connection } from '@temporalio/client';
import { describe, expect, inject, it } from 'vitest';
import { freePort } from '../helpers/harness';

describe('the Temporal dev server the tests run against', () => {
  it('is a real server: it answers the system info call', async () => {
    const connection = await Connection.connect({ address: inject('temporalAddress') });
    try {
      const info = await connection.workflowService.getSystemInfo({});
      expect(info.serverVersion).toMatch(/^\d+\.\d+\.\d+/);
      const attributes = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
      expect(Object.keys(attributes.customAttributes ?? {})).toEqual(
        expect.arrayContaining(['ReportDate', 'ReportOutcome', 'ReportTrigger']),
      );
    } finally {
      await connection.close();
    }
  });

  it('fails to connect where no server listens', async () => {
    const port = await freePort();
    await expect(Connection.connect({ address: `127.0.0.1:${port}`, connectTimeout: '2s' })).rejects.toThrow();
  });
});
