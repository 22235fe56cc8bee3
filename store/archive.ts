import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { RunRef } from '../temporal/contracts';

/**
 * <archive>/<reportDate>/<workflowId>/<runId>/: a re-run is a new run id, so it never overwrites an earlier run.
 * With several workers on several hosts this directory must be shared storage.
 */
export function archiveDirFor(archiveRoot: string, run: RunRef): string {
  return resolve(archiveRoot, run.reportDate, safeSegment(run.workflowId), safeSegment(run.runId));
}

export async function archiveFile(dir: string, name: string, content: string | Buffer): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

function safeSegment(id: string): string {
  return id.replace(/[^\w.-]/g, '_');
}
