import type { FooterFacts } from '../../report/render/email-content';

/** A footer's run details as a test renders an email with them: fixed, so the body depends on the report alone. */
export function testFooter(simulated: boolean): FooterFacts {
  return { workflowId: 'w', runId: 'r', model: 'm', promptSha256: 'f'.repeat(64), attempts: 1, gpu: '', simulated };
}
