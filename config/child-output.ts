import type { Readable } from 'node:stream';

/**
 * A child process's stdout or stderr as text: its bytes collected as they come and decoded once, at the end. Decoding
 * each chunk on its own splits a character that straddles two chunks (a 64 KiB pipe read cuts 金额 as readily as
 * anything) into two replacement characters: a store's name damaged at random, on big mornings.
 */
export function collectText(stream: Readable): () => string {
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return () => Buffer.concat(chunks).toString('utf8');
}
