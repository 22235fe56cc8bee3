/** Result of one readiness probe of a vLLM OpenAI server. */
export type Readiness = { ready: true } | { ready: false; reason: string };

/**
 * vLLM does not listen until the model is loaded, so "connection refused" means "not yet". Ready is GET /health
 * answering 200 and GET /v1/models listing the model we will ask for.
 */
export async function probeVllm(
  endpoint: string,
  model: string,
  apiKey: string,
  signal?: AbortSignal,
  /** llama-cpp-python's server has no /health: its /v1/models alone says it serves. */
  health = true,
): Promise<Readiness> {
  const timeout = AbortSignal.timeout(5_000);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  try {
    const answer = health ? await fetch(`${endpoint}/health`, { signal: combined }) : undefined;
    if (answer && answer.status !== 200) return { ready: false, reason: `GET /health answered ${answer.status}` };
    const res = await fetch(`${endpoint}/v1/models`, {
      headers: { authorization: `Bearer ${apiKey}` },
      signal: combined,
    });
    if (res.status !== 200) return { ready: false, reason: `GET /v1/models answered ${res.status}` };
    const body = (await res.json()) as { data?: { id?: string }[] };
    const ids = (body.data ?? []).map((m) => m.id);
    if (!ids.includes(model))
      return { ready: false, reason: `model "${model}" not served (serving: ${ids.join(', ') || 'none'})` };
    return { ready: true };
  } catch (err) {
    if (signal?.aborted) throw err;
    const cause = (err as { cause?: { code?: string } }).cause;
    return { ready: false, reason: cause?.code ?? (err as Error).message };
  }
}
