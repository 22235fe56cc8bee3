import { createWriteStream } from 'node:fs';
import { basename, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { DateRange } from './dates';
import { SalesDataError } from './errors';
import { pickFiles, type SourceFiles } from './source-files';

export interface S3SourceOptions {
  region: string;
  endpoint?: string;
  forcePathStyle: boolean;
}

export const isS3Url = (path: string) => path.startsWith('s3://');

/**
 * Daily exports under an S3 prefix (`s3://bucket/exports/orders-{date}.xlsx` or `…/orders-*.csv`): the objects
 * covering the window are listed and downloaded into `into` (a private temp dir the caller removes), then read as
 * local files. Credentials come from the AWS SDK's default chain (environment, instance profile).
 */
export async function fetchS3Source(
  url: string,
  window: DateRange,
  options: S3SourceOptions,
  into: string,
  /** Read as well where there: the same week a year earlier. */
  alsoIfThere?: DateRange,
): Promise<SourceFiles> {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(url);
  if (!m) throw new SalesDataError(`${url}: not an S3 address (s3://bucket/key)`);
  const [, bucket = '', pattern = ''] = m;
  const s3 = new S3Client({
    region: options.region,
    endpoint: options.endpoint,
    forcePathStyle: options.forcePathStyle,
  });
  try {
    // Everything before the first template or wildcard is a fixed prefix: only it is listed.
    const prefix = pattern.slice(0, pattern.search(/[{*?]|$/));
    const keys = new Set<string>();
    let token: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const o of page.Contents ?? []) if (o.Key) keys.add(o.Key);
      token = page.NextContinuationToken;
    } while (token);

    const picked = await pickFiles(
      pattern,
      window,
      {
        has: async (key) => keys.has(key),
        namesIn: async (folder) =>
          [...keys]
            .filter((k) => k.startsWith(folder) && !k.slice(folder.length).includes('/'))
            .map((k) => k.slice(folder.length)),
      },
      alsoIfThere,
    );
    const wanted = picked.files;
    const missing = picked.missing.map((m) => ({ ...m, path: `s3://${bucket}/${m.path}` }));
    if (wanted.length === 0) {
      throw new SalesDataError(
        `${url}: no object under s3://${bucket}/${prefix} for ${window.start} – ${window.end} (data.path)`,
      );
    }
    const files: string[] = [];
    for (const key of wanted) {
      // One folder, and a template or a name wildcard: the names do not collide.
      const file = join(into, basename(key));
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      await pipeline(object.Body as Readable, createWriteStream(file));
      files.push(file);
    }
    return { pattern: url, files, missing };
  } finally {
    s3.destroy();
  }
}
