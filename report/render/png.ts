import { deflateSync } from 'node:zlib';

/**
 * An RGBA image as an indexed PNG (colour type 3) when it has at most 256 colours, which a chart does (its fills, its
 * text's antialiasing: some two hundred): every pixel exactly as drawn, at a third of a truecolour PNG's size, so an
 * email with its chart stays small. Undefined when the image has more colours; the caller keeps its own PNG then.
 */
export function indexedPng(rgba: Uint8Array, width: number, height: number, background = 0xffffff): Buffer | undefined {
  const palette = new Map<number, number>();
  const indices = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) {
    indices[y * (width + 1)] = 0; // filter: none (the rows of a chart repeat; deflate finds them)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const a = rgba[i + 3]!;
      // Drawn on an opaque background: a transparent pixel is the background.
      const rgb = a === 0 ? background : (rgba[i]! << 16) | (rgba[i + 1]! << 8) | rgba[i + 2]!;
      let index = palette.get(rgb);
      if (index === undefined) {
        if (palette.size === 256) return undefined;
        index = palette.size;
        palette.set(rgb, index);
      }
      indices[y * (width + 1) + 1 + x] = index;
    }
  }
  const plte = Buffer.alloc(palette.size * 3);
  for (const [rgb, index] of palette) {
    plte[index * 3] = rgb >> 16;
    plte[index * 3 + 1] = (rgb >> 8) & 0xff;
    plte[index * 3 + 2] = rgb & 0xff;
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 3, 0, 0, 0], 8); // 8-bit indices, palette, deflate, adaptive filtering, no interlace
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', ihdr),
    chunk('PLTE', plte),
    chunk('IDAT', deflateSync(indices, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** PNG's CRC-32 (ISO 3309), table-driven: zlib.crc32 is not in every Node this product runs on. */
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
