import type { Config } from '../schemas/config.schema';
import { open } from 'node:fs/promises';
import iconv from 'iconv-lite';

/** The CSV encodings the product reads: the config schema is the one list (less "auto"). */
export type TextEncoding = Exclude<Config['data']['encoding'], 'auto'>;
export type Delimiter = ',' | ';' | '\t';

/** How a CSV file is written: what its bytes mean and what separates its fields. */
export interface TextFormat {
  encoding: TextEncoding;
  delimiter: Delimiter;
  /** How each was decided, for `data check` and error messages. */
  detected: { encoding: 'BOM' | 'strict UTF-8' | 'fallback' | 'configured'; delimiter: 'counted' | 'configured' };
}

/** How much of the start of a file the encoding and delimiter are decided on. */
export const SAMPLE_BYTES = 64 * 1024;

/** Valid UTF-8, allowing the sample to end inside a character. */
function isUtf8(sample: Buffer): boolean {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (let cut = 0; cut <= 3 && cut < sample.length; cut++) {
    try {
      decoder.decode(sample.subarray(0, sample.length - cut));
      return true;
    } catch {
      // try without a possibly partial last character
    }
  }
  return sample.length === 0;
}

/**
 * Reads the start of the file and decides how it is written (textFormatOf).
 */
export async function detectTextFormat(
  path: string,
  configured: { encoding: 'auto' | TextEncoding; delimiter: 'auto' | Delimiter },
): Promise<TextFormat> {
  const file = await open(path, 'r');
  let sample: Buffer;
  try {
    const buffer = Buffer.alloc(SAMPLE_BYTES);
    const { bytesRead } = await file.read(buffer, 0, SAMPLE_BYTES, 0);
    sample = buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
  return textFormatOf(sample, configured);
}

/**
 * How a file whose first bytes are `sample` is written: the encoding from its BOM, else UTF-8 if the bytes are
 * strictly valid UTF-8, else GB18030 (which GBK files, as Excel on Chinese Windows saves them, are); the delimiter as
 * the most frequent of , ; and tab outside quotes in the first line. Either may be set instead.
 */
export function textFormatOf(
  sample: Buffer,
  configured: { encoding: 'auto' | TextEncoding; delimiter: 'auto' | Delimiter },
): TextFormat {
  let encoding: TextEncoding;
  let how: TextFormat['detected']['encoding'];
  if (configured.encoding !== 'auto') [encoding, how] = [configured.encoding, 'configured'];
  else if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) [encoding, how] = ['utf-8', 'BOM'];
  else if (sample[0] === 0xff && sample[1] === 0xfe) [encoding, how] = ['utf-16le', 'BOM'];
  else if (sample[0] === 0xfe && sample[1] === 0xff) [encoding, how] = ['utf-16be', 'BOM'];
  else if (isUtf8(sample)) [encoding, how] = ['utf-8', 'strict UTF-8'];
  else [encoding, how] = ['gb18030', 'fallback'];

  if (configured.delimiter !== 'auto') {
    return { encoding, delimiter: configured.delimiter, detected: { encoding: how, delimiter: 'configured' } };
  }
  const firstLine = iconv.decode(sample, encoding).split(/\r\n|\r|\n/, 1)[0] ?? '';
  const counts: Record<Delimiter, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const c of firstLine) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && c in counts) counts[c as Delimiter]++;
  }
  const delimiter = (Object.keys(counts) as Delimiter[]).reduce((a, b) => (counts[b] > counts[a] ? b : a), ',');
  return { encoding, delimiter, detected: { encoding: how, delimiter: 'counted' } };
}
