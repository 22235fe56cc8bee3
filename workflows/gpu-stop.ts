import { log } from '@temporalio/workflow';
import type { GpuBill } from '../temporal/contracts';
import type { gpuPoolActivities } from './activity-options';
import { rootMessage } from './failures';

/**
 * How a pool stops an instance: a first bounded try; when it fails ops hear at once, and stopping goes on (for up to
 * a day). A permanent refusal (not authorised) leaves it to the reaper and an operator: the ledger keeps it running.
 */
export function instanceStopper(act: ReturnType<typeof gpuPoolActivities>, poolId: string) {
  return async (instance: string, instanceId: string | undefined, why: string): Promise<GpuBill | undefined> => {
    try {
      return await act.tryStopGpu(instance, why);
    } catch (err) {
      const error = rootMessage(err);
      log.error('GPU stop failed; ops are told and stopping goes on', { instance, instanceId, error });
      await act
        .sendGpuStopAlert({ poolId, owner: instance, instanceId, error })
        .catch((e: unknown) => log.error('GPU stop alert not delivered', { error: rootMessage(e) }));
      try {
        return await act.stopGpu(instance, why);
      } catch (e) {
        log.error('GPU still not stopped; left to the reaper and an operator', { instance, error: rootMessage(e) });
        return undefined;
      }
    }
  };
}
