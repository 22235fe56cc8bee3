import { definitionOf, titleOf } from '../report/definitions';
import { llmCallsOf } from '../store/llm-calls';
import type { FailureType, GeneratedReport, WithholdNarrativeRequest } from '../temporal/contracts';
import { NO_CALLS, withheldReport, type ModelContext } from './model-desk';
import { thisRun } from './this-run';

/**
 * The model could not be reached: the report's words are the withheld note, the reason says how many calls
 * were made over how long (none when its GPU never served), and the numbers go out on their own.
 */
export async function withholdNarrative(
  { config, store, now, desk }: ModelContext,
  { run: requested, error, failureType }: WithholdNarrativeRequest,
): Promise<GeneratedReport> {
  const llm = config.llm;
  const run = thisRun(requested);
  const definition = definitionOf(config, run.report);
  const calls = await llmCallsOf(store, run).get('calls');
  const tried = calls?.firstCallAt
    ? `${calls.calls} call(s) to the model over ${Math.round((now().getTime() - Date.parse(calls.firstCallAt)) / 1000)}s`
    : 'no call reached the model';
  // A request the server refuses (400: too long for its context, a wrong model name) will be refused again
  // tomorrow: it is not "unreachable", and ops must change something.
  const refused = failureType === ('LlmRequestRejected' satisfies FailureType);
  return withheldReport(
    llm.model,
    calls ?? NO_CALLS,
    false,
    refused
      ? {
          cause: 'request-refused',
          reason: `the model server refused the request; it will recur on every run until the request or the server changes (${tried}) ${error}`,
          rejectedText: '',
        }
      : {
          cause: 'model-unreachable',
          reason: `the model could not be reached (${tried}) ${error}`,
          rejectedText: '',
        },
    desk.prompts(definition.locale, definition.period, definition.prompt),
    definition.period,
    titleOf(config, run.report),
  );
}
