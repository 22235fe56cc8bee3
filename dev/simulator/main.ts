import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { createSimulator } from './server';

const HELP = `vLLM-compatible simulator: the routes and shapes of vLLM's OpenAI server, answers written from the prompt.

Usage: npm run sim -- [options]
  --host HOST              listen address (default 127.0.0.1)
  --port PORT              (default 8000)
  --model ID               served model id (default Qwen/Qwen2.5-7B-Instruct)
  --api-key KEY            require "Authorization: Bearer KEY" on /v1/* (default: $VLLM_API_KEY, else none)
  --max-model-len N        context length (default 32768)
  --boot-delay-ms MS       keep the port closed this long, like vLLM loading weights (default 0)
  --latency-ms MS          added to every chat completion (default 0)
  --tokens-per-second N    completion speed of one sequence, 0 = instant (default 0)
  --aggregate-tokens-per-second N
                           all sequences decoding together at most this fast, shared among them (default 0: no cap)
  --max-num-seqs N         sequences decoded at once, as vLLM's flag; more wait their turn (default 256, vLLM's;
                           0 = no limit). GET /metrics shows vllm:num_requests_running and _waiting
  --prefill-tokens-per-second N
                           prompt tokens prefilled a second, decoding waiting meanwhile (default 0: instant; an L4
                           serving a 7B model in FP16 does about 4,000: gpu/fleet-plan.ts L4)
  --no-prefix-caching      prefill every prompt whole (vLLM's --no-enable-prefix-caching); by default a system
                           message seen before is cached, in whole 16-token blocks
  --fail-5xx N             the first N chat calls answer 500
  --truncate N             the first N answers are cut off with finish_reason "length"
  --invalid-json N         the first N answers break the JSON schema (alternately unparseable / schema-invalid)
  --fence-json N           the first N answers wrap their JSON in a \`\`\`json Markdown fence
  --misstate-figures N     the first N answers are schema-valid but state invented figures
  --junk N                 the first N answers are schema-valid and say nothing (field names, repeats, fragments)
  --die-after N            after N chat calls /health answers 503 and chat 500
  --headline TEXT          every answer is schema-valid with this headline (a model that never changes its words)
  --highlight TEXT         every answer's highlights start with TEXT (repeat it for several; five in all at most)
`;

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '8000' },
    model: { type: 'string', default: 'Qwen/Qwen2.5-7B-Instruct' },
    'api-key': { type: 'string' },
    'max-model-len': { type: 'string', default: '32768' },
    'boot-delay-ms': { type: 'string', default: '0' },
    'latency-ms': { type: 'string', default: '0' },
    'tokens-per-second': { type: 'string', default: '0' },
    'aggregate-tokens-per-second': { type: 'string', default: '0' },
    'max-num-seqs': { type: 'string', default: '256' },
    'prefill-tokens-per-second': { type: 'string', default: '0' },
    'no-prefix-caching': { type: 'boolean', default: false },
    'fail-5xx': { type: 'string', default: '0' },
    truncate: { type: 'string', default: '0' },
    'invalid-json': { type: 'string', default: '0' },
    'fence-json': { type: 'string', default: '0' },
    'misstate-figures': { type: 'string', default: '0' },
    junk: { type: 'string', default: '0' },
    'die-after': { type: 'string', default: '0' },
    headline: { type: 'string' },
    highlight: { type: 'string', multiple: true },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

function count(name: keyof typeof values): number {
  const n = Number(values[name]);
  if (!Number.isFinite(n) || n < 0) {
    console.error(`--${name}: "${String(values[name])}" is not a non-negative number`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  const port = count('port');
  const server = createSimulator({
    model: values.model,
    apiKey: values['api-key'] ?? (process.env.VLLM_API_KEY || undefined),
    maxModelLen: count('max-model-len'),
    fail5xx: count('fail-5xx'),
    truncate: count('truncate'),
    invalidJson: count('invalid-json'),
    fenceJson: count('fence-json'),
    misstateFigures: count('misstate-figures'),
    junk: count('junk'),
    dieAfter: count('die-after'),
    ...(values.headline !== undefined && { headline: values.headline }),
    ...(values.highlight !== undefined && { highlights: values.highlight }),
    latencyMs: count('latency-ms'),
    tokensPerSecond: count('tokens-per-second'),
    aggregateTokensPerSecond: count('aggregate-tokens-per-second'),
    maxNumSeqs: count('max-num-seqs'),
    prefillTokensPerSecond: count('prefill-tokens-per-second'),
    prefixCaching: !values['no-prefix-caching'],
  });
  const stop = () => server.close(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  const bootDelay = count('boot-delay-ms');
  if (bootDelay > 0) console.log(`vllm-simulator: loading "${values.model}" (${bootDelay} ms)…`);
  await sleep(bootDelay);
  server.listen(port, values.host, () => {
    console.log(`vllm-simulator: serving "${values.model}" on http://${values.host}:${port} (simulated, no GPU)`);
  });
}

void main();
