import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { configSchema, type Config } from '../schemas/config.schema';
import { createAjv, formatSchemaErrors } from '../schemas/validator';
import { commandTemplateProblems } from './command-templates';
import { readRecipientsFile } from './recipients-file';
import { parseEncryptionKeys, type EncryptionKeys } from './encryption-keys';

export type { Config };

/** Secrets never live in the config file, workflow inputs or history: only in the process environment. */
export interface Secrets {
  smtpPassword?: string;
  /** The alerts relay's password ($ALERT_SMTP_PASSWORD), for alerts.smtp.user. */
  alertSmtpPassword?: string;
  llmApiKey: string;
  temporalApiKey?: string;
  /** Payload encryption keys ($SALES_REPORT_ENCRYPTION_KEYS), used when temporal.encryption.enabled. */
  encryption?: EncryptionKeys;
  /** Bearer token the codec server demands ($SALES_REPORT_CODEC_TOKEN); none: no token needed. */
  codecToken?: string;
  /** The sales database's connection URL ($SALES_REPORT_DATABASE_URL), for data.source.kind "postgres". */
  databaseUrl?: string;
}

export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`Invalid configuration (${source}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const validate = createAjv({ useDefaults: true }).compile<Config>(configSchema);

/** Validates a parsed config object, filling in defaults. Throws ConfigError listing every problem. */
export function parseConfig(raw: unknown, source = 'config'): Config {
  const copy: unknown = structuredClone(raw ?? {});
  withServerDefaults(copy);
  const fileProblems = withRecipientsFiles(copy);
  if (fileProblems.length > 0) throw new ConfigError(source, fileProblems);
  if (!validate(copy)) throw new ConfigError(source, [...formatSchemaErrors(validate.errors), ...movedKeys(copy)]);
  const problems = crossFieldProblems(copy);
  if (problems.length > 0) throw new ConfigError(source, problems);
  return copy;
}

/**
 * The defaults that depend on what serves the model, where the config leaves them out (the schema's are vLLM's).
 * llama.cpp's server on a CPU prefills at 65–250 tokens/s and writes 12–50: a prompt and a full answer take minutes,
 * not seconds, so its calls get 600 s; and it answers one request at a time (a second waits in the server while its
 * timeout runs), so one slot.
 */
export const SERVER_DEFAULTS = {
  vllm: {},
  'llama-cpp-python': { requestTimeoutSeconds: 600, maxConcurrentRequests: 1 },
} satisfies Record<Config['llm']['server'], Partial<Config['llm']>>;

function withServerDefaults(raw: unknown): void {
  const llm = (raw as { llm?: unknown } | null)?.llm as Record<string, unknown> | undefined;
  const server = llm?.server;
  if (!llm || typeof server !== 'string' || !Object.hasOwn(SERVER_DEFAULTS, server)) return;
  for (const [key, value] of Object.entries(SERVER_DEFAULTS[server as keyof typeof SERVER_DEFAULTS]))
    if (llm[key] === undefined) llm[key] = value;
}

/**
 * Each split's recipients file (reports[].split.recipientsFile) read into its `recipients`, before the schema checks
 * them: what is wrong in a file is said by its row.
 */
function withRecipientsFiles(raw: unknown): string[] {
  const reports = (raw as { reports?: unknown } | null)?.reports;
  if (!Array.isArray(reports)) return [];
  const problems: string[] = [];
  for (const [i, r] of reports.entries()) {
    const split = (r as { split?: { by?: unknown; recipients?: unknown; recipientsFile?: unknown } } | null)?.split;
    if (typeof split?.recipientsFile !== 'string') continue;
    const at = `/reports/${i}/split`;
    if (split.recipients !== undefined) {
      problems.push(`${at}: recipients or recipientsFile, not both`);
      continue;
    }
    const read = readRecipientsFile(split.recipientsFile, typeof split.by === 'string' ? split.by : 'value');
    if ('problems' in read) problems.push(...read.problems.map((p) => `${at}/recipientsFile: ${p}`));
    else {
      // Read into the config: a config written back out (a worker's, a test's) holds the list, not the file.
      split.recipients = read;
      delete split.recipientsFile;
    }
  }
  return problems;
}

/** Settings that moved, said as such rather than only as "unknown property". */
function movedKeys(raw: unknown): string[] {
  const r = raw as { archive?: unknown; email?: { sentRecordDir?: unknown }; gpu?: { sharing?: unknown } } | null;
  return [
    ...(r?.gpu?.sharing !== undefined
      ? ['/gpu/sharing: every run now leases the GPU from the pool; its settings moved to /gpu/pool (no "enabled")']
      : []),
    ...(r?.archive !== undefined ? ['/archive: moved to /store (store.dir, or store.s3 for several hosts)'] : []),
    ...(r?.email?.sentRecordDir !== undefined
      ? ['/email/sentRecordDir: moved to /store; sent-records live there']
      : []),
  ];
}

/** The settings a GPU provider needs, under gpu.<key>. */
const PROVIDER_SETTINGS = { static: 'static', 'aws-ec2': 'awsEc2', command: 'command' } as const;

/** The one wording of a setting that another one makes necessary: the config check and its users say it alike. */
function requiredWhen(path: string, when: string): string {
  return `${path}: required when ${when}`;
}

/**
 * A setting another one makes necessary, as a config that loaded has it (crossFieldProblems); a config built some
 * other way fails here, with the same words.
 */
export function required<T>(value: T | undefined, path: string, when: string): T {
  if (value === undefined) throw new ConfigError('config', [requiredWhen(path, when)]);
  return value;
}

function crossFieldProblems(config: Config): string[] {
  const problems: string[] = [];
  const provider = config.gpu.provider;
  if (provider !== 'local-process' && !config.gpu[PROVIDER_SETTINGS[provider]])
    problems.push(requiredWhen(`/gpu/${PROVIDER_SETTINGS[provider]}`, `/gpu/provider is "${provider}"`));
  if (config.store.kind === 's3' && !config.store.s3) problems.push(requiredWhen('/store/s3', '/store/kind is "s3"'));
  problems.push(...fleetProblems(config));
  const command = config.gpu.command;
  if (command) {
    for (const which of ['start', 'stop', 'status'] as const)
      problems.push(...commandTemplateProblems(`/gpu/command/${which}`, command[which]));
  }
  if (!isTimeZone(config.report.timezone))
    problems.push(`/report/timezone: unknown IANA time zone "${config.report.timezone}"`);
  problems.push(...dataProblems('/data', config.data));
  for (const [name, data] of Object.entries(config.sources ?? {}))
    problems.push(...dataProblems(`/sources/${name}`, data));
  for (const [i, r] of (config.reports ?? []).entries())
    if (r.source !== undefined && !sourceNames(config).includes(r.source))
      problems.push(`/reports/${i}/source: ${noSource(config, r.source)}`);
  const ids = (config.reports ?? []).map((r) => r.id);
  for (const id of new Set(ids.filter((id, i) => ids.indexOf(id) !== i)))
    problems.push(`/reports: the id "${id}" is used more than once (each report's runs and sends go by it)`);
  for (const [i, r] of (config.reports ?? []).entries()) {
    if (r.split && r.to)
      problems.push(`/reports/${i}/to: a split report goes to each value's recipients (split.recipients), not to "to"`);
    if (r.split && r.chat)
      problems.push(
        `/reports/${i}/chat: a split report's cards go to each value's groups (split.chat), so no group sees another value's figures`,
      );
    for (const value of Object.keys(r.split?.chat ?? {}))
      if (!(value in (r.split?.recipients ?? {})))
        problems.push(
          `/reports/${i}/split/chat/${value}: "${value}" is not a value of split.recipients (${Object.keys(r.split?.recipients ?? {}).join(', ')}): its card would never be written`,
        );
    // A cron is the server's to read (5 to 7 fields, CRON_TZ=, @every, a # comment): `schedule apply` says what it
    // refuses, and the missed-report check reads the fire times the server compiled from it.
    if (r.schedule?.timezone !== undefined && !isTimeZone(r.schedule.timezone))
      problems.push(`/reports/${i}/schedule/timezone: unknown IANA time zone "${r.schedule.timezone}"`);
  }
  return problems;
}

type DataConfig = Config['data'];

/** What is wrong with one data source's settings (`data`, or one of `sources`), each under its path. */
/** A fleet needs a provider that starts more than one instance, and as many candidates as instances. */
function fleetProblems(config: Config): string[] {
  const { maxInstances } = config.gpu.pool;
  if (maxInstances <= 1) return [];
  const at = `/gpu/pool/maxInstances: ${maxInstances}`;
  if (config.gpu.provider === 'static')
    return [
      `${at}, but /gpu/provider "static" serves one endpoint it does not start: a fleet needs local-process, aws-ec2 or command`,
    ];
  if (config.gpu.provider === 'command' && config.gpu.command?.instanceId)
    return [
      `${at}, but /gpu/command/instanceId names one instance: a fleet's start command must start a new one each time (leave instanceId out and print it)`,
    ];
  const candidates = config.gpu.awsEc2?.instanceIds.length ?? 0;
  if (config.gpu.provider === 'aws-ec2' && candidates < maxInstances)
    return [`${at}, but /gpu/awsEc2/instanceIds names ${candidates}: each instance of a fleet is one of them`];
  return [];
}

function dataProblems(path: string, data: DataConfig): string[] {
  const problems: string[] = [];
  const source = data.source;
  if (source.kind === 'postgres') {
    if (!source.query) problems.push(`${path}/source/query: required when ${path}/source/kind is "postgres"`);
    else if (!source.query.includes('$1') || !source.query.includes('$2'))
      problems.push(
        `${path}/source/query: must select the order lines dated from $1 to $2 (the first and last day the report reads), e.g. WHERE order_date BETWEEN $1 AND $2`,
      );
  } else if (source.query !== undefined) {
    problems.push(`${path}/source/query: only used when ${path}/source/kind is "postgres"`);
  }
  if (data.columns.amount.length === 0 && data.columns.unitPrice.length === 0)
    problems.push(`${path}/columns: needs "amount" or "unitPrice" headers to compute revenue`);
  return problems;
}

/** The source a report reads when it names none: `data`. */
export const DEFAULT_SOURCE = 'data';

/**
 * The config as a read of one source sees it: `data` replaced by the named source's settings. Everything that reads
 * "the" data (the loader, the read key, freshness) then reads that source, unchanged.
 */
export function configForSource(config: Config, source: string): Config {
  if (source === DEFAULT_SOURCE) return config;
  const data = config.sources?.[source];
  if (!data) throw new ConfigError('config', [noSource(config, source)]);
  return { ...config, data };
}

/** Every source a report may name: `data` and each of `sources`. */
export function sourceNames(config: Config): string[] {
  return [DEFAULT_SOURCE, ...Object.keys(config.sources ?? {})];
}

/** The one wording of a source name the config does not have. */
export function noSource(config: Config, source: string): string {
  return `no source "${source}" (sources: ${sourceNames(config).join(', ')})`;
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The GPU pool's workflow id: gpu.pool.poolId, else "<taskQueue>-gpu-pool". */
export function gpuPoolId(config: Config): string {
  return config.gpu.pool.poolId ?? `${config.temporal.taskQueue}-gpu-pool`;
}

/** The config file path: `--config <path>` on the command line, else $SALES_REPORT_CONFIG, else none (defaults). */
export function configPathFrom(argv: readonly string[], env: NodeJS.ProcessEnv): string | undefined {
  const i = argv.indexOf('--config');
  if (i >= 0) {
    const path = argv[i + 1];
    if (!path) throw new ConfigError('command line', ['--config needs a file path']);
    return path;
  }
  const inline = argv.find((a) => a.startsWith('--config='));
  return inline ? inline.slice('--config='.length) : env.SALES_REPORT_CONFIG || undefined;
}

export function loadConfigFile(path: string | undefined): Config {
  if (path === undefined) return parseConfig({}, 'built-in defaults');
  const absolute = resolve(path);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (err) {
    throw new ConfigError(absolute, [`cannot read file: ${(err as Error).message}`]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(absolute, [`not valid JSON: ${(err as Error).message}`]);
  }
  return parseConfig(raw, absolute);
}

export function secretsFromEnv(env: NodeJS.ProcessEnv): Secrets {
  let encryption: EncryptionKeys | undefined;
  if (env.SALES_REPORT_ENCRYPTION_KEYS) {
    try {
      encryption = parseEncryptionKeys(env.SALES_REPORT_ENCRYPTION_KEYS);
    } catch (err) {
      throw new ConfigError('environment', [(err as Error).message]);
    }
  }
  return {
    encryption,
    codecToken: env.SALES_REPORT_CODEC_TOKEN || undefined,
    smtpPassword: env.SMTP_PASSWORD || undefined,
    alertSmtpPassword: env.ALERT_SMTP_PASSWORD || undefined,
    // vLLM accepts any key unless started with --api-key; the SDK insists on a non-empty one.
    llmApiKey: env.VLLM_API_KEY || 'EMPTY',
    temporalApiKey: env.TEMPORAL_API_KEY || undefined,
    databaseUrl: env.SALES_REPORT_DATABASE_URL || undefined,
  };
}

export function loadConfig(argv: readonly string[] = process.argv, env: NodeJS.ProcessEnv = process.env): Config {
  return loadConfigFile(configPathFrom(argv, env));
}
