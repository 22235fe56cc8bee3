import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import type { Store } from './store';

export interface S3StoreOptions {
  bucket: string;
  /** Prepended to every key, e.g. "sales-report/". */
  prefix: string;
  region: string;
  /** An S3-compatible endpoint (MinIO, OSS, COS, R2), or moto in the tests. */
  endpoint?: string;
  /** Path-style URLs (bucket in the path), which most S3-compatible stores want. */
  forcePathStyle: boolean;
}

const status = (err: unknown) => (err instanceof S3ServiceException ? err.$metadata.httpStatusCode : undefined);

/**
 * The store on S3 or any S3-compatible service, for workers on several hosts. A create is a conditional PUT
 * (If-None-Match: *): of two hosts writing the same key, exactly one succeeds. Credentials come from the AWS SDK's
 * chain (environment, instance profile, SSO), never from the config file.
 */
export class S3Store implements Store {
  private readonly s3: S3Client;

  constructor(private readonly options: S3StoreOptions) {
    this.s3 = new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle,
      maxAttempts: 5,
    });
  }

  locate(key: string): string {
    return `s3://${this.options.bucket}/${this.options.prefix}${key}`;
  }

  async put(key: string, body: string | Buffer): Promise<void> {
    await this.s3.send(new PutObjectCommand({ Bucket: this.options.bucket, Key: this.keyOf(key), Body: body }));
  }

  async create(key: string, body: string | Buffer): Promise<boolean> {
    try {
      await this.s3.send(
        new PutObjectCommand({ Bucket: this.options.bucket, Key: this.keyOf(key), Body: body, IfNoneMatch: '*' }),
      );
      return true;
    } catch (err) {
      // 412: it exists. 409: a concurrent conditional write to the same key is in flight; one of the two wins.
      if (status(err) === 412) return false;
      if (status(err) === 409) return (await this.get(key)) === undefined ? this.create(key, body) : false;
      throw err;
    }
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      const out = await this.s3.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: this.keyOf(key) }));
      return Buffer.from(await out.Body!.transformToByteArray());
    } catch (err) {
      if (status(err) === 404) return undefined;
      throw err;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const out = await this.s3.send(
        new ListObjectsV2Command({
          Bucket: this.options.bucket,
          Prefix: this.keyOf(prefix),
          ContinuationToken: token,
        }),
      );
      for (const o of out.Contents ?? []) if (o.Key) keys.push(o.Key.slice(this.options.prefix.length));
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token);
    return keys;
  }

  private keyOf(key: string): string {
    return `${this.options.prefix}${key}`;
  }
}
