import { describe, expect, it } from 'vitest';
import { parseEncryptionKeys } from '../../config/encryption-keys';
import { AesGcmCodec } from '../../temporal/encryption';
import { listenCodecServer } from '../../temporal/codec-server';

const codec = new AesGcmCodec(parseEncryptionKeys(`k1:${Buffer.alloc(32, 7).toString('base64')}`));

describe('the codec server decrypts for whoever reaches it', () => {
  it('refuses to listen beyond loopback without a token, naming the setting', async () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.10']) {
      await expect(listenCodecServer({ codec, allowedOrigins: [], host, port: 0 })).rejects.toThrow(
        /needs a token \(set SALES_REPORT_CODEC_TOKEN\), or listen on 127\.0\.0\.1/,
      );
    }
  });

  it('listens on loopback without one', async () => {
    const server = await listenCodecServer({ codec, allowedOrigins: [], host: '127.0.0.1', port: 0 });
    try {
      expect((await fetch(`${server.url}/decode`, { method: 'OPTIONS' })).status).toBeLessThan(500);
    } finally {
      await server.close();
    }
  });
});
