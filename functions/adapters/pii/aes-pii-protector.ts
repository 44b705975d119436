// PII protection with node:crypto: AES-256-GCM for sealing, HMAC-SHA256 for look-up hashes. Both keys are derived by
// HKDF from one secret (Secrets Manager in AWS, a file locally), so neither is ever stored or logged.

import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type { PiiProtector } from '../../core/kernel/ports';

const VERSION = 'v1';

interface Keys {
  encryption: Buffer;
  hashing: Buffer;
}

export function createPiiProtector(loadSecret: () => Promise<string>): PiiProtector {
  let keys: Promise<Keys> | undefined;
  const getKeys = () => {
    keys ??= loadSecret().then((secret) => {
      if (secret.length < 32) throw new Error('the PII secret must be at least 32 characters');
      const derive = (info: string) => Buffer.from(hkdfSync('sha256', secret, 'microloan-pii', info, 32));
      return { encryption: derive('aes-256-gcm'), hashing: derive('hmac-sha256') };
    });
    return keys;
  };

  return {
    async seal(plain) {
      const { encryption } = await getKeys();
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', encryption, iv);
      const data = Buffer.concat([cipher.update(JSON.stringify(plain), 'utf8'), cipher.final()]);
      return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
    },

    async open<T>(sealed: string): Promise<T> {
      const { encryption } = await getKeys();
      const [version, iv, tag, data] = sealed.split('.');
      if (version !== VERSION || !iv || !tag || data === undefined) throw new Error('not a sealed PII value');
      const decipher = createDecipheriv('aes-256-gcm', encryption, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      const plain = Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]);
      return JSON.parse(plain.toString('utf8')) as T;
    },

    async keyedHash(value) {
      const { hashing } = await getKeys();
      return createHmac('sha256', hashing).update(value, 'utf8').digest('base64url');
    },
  };
}
