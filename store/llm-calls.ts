import { archivePrefix, type RunRef } from './archive';
import { JsonRecords } from './json-records';
import type { Store } from './store';

/** The model calls of one run, kept beside its archive so activity retries add up rather than start again. */
export interface LlmCalls {
  calls: number;
  usage: { promptTokens: number; completionTokens: number; totalTokens: number; cachedPromptTokens?: number };
  /** When the first call was made: how long the run kept trying, when it gives up on the model. */
  firstCallAt?: string;
}

/** The run's model-call count, read and written where the audit of a run that recorded none finds it too. */
export function llmCallsOf(store: Store, run: RunRef): JsonRecords<LlmCalls> {
  return new JsonRecords<LlmCalls>(store, archivePrefix(run), () => 'llm-calls');
}
