import { DefaultFailureConverter } from '@temporalio/common';

/**
 * Failure messages and stack traces go into an encoded payload rather than the failure's plain fields, so the payload
 * codec encrypts them too: a failure may quote a cell of the export or a line the model wrote. Loaded by path, inside
 * the workflow sandbox as well as on the worker.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
