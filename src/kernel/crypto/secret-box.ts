import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';
import { pooledRandomBytes } from './random-pool.ts';

const VERSION = 'v1';

/**
 * AES-256-GCM sealing of small secrets (private keys, provider credentials, cached token
 * responses) with a key derived from SECRET_KEY per purpose, so one leak stays in its lane.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(secretKey: Buffer, purpose: string) {
    this.key = Buffer.from(hkdfSync('sha256', secretKey, Buffer.alloc(0), `consentry:${purpose}`, 32));
  }

  seal(plaintext: string): string {
    const iv = pooledRandomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [
      VERSION,
      iv.toString('base64url'),
      body.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
    ].join('.');
  }

  /**
   * This box's derived key, for a worker thread of this process that seals or opens large values
   * for it (`SecretBox.withDerivedKey`) so the event loop never handles them whole.
   */
  derivedKey(): Buffer {
    return Buffer.from(this.key);
  }

  /** The box whose `derivedKey()` this is. */
  static withDerivedKey(key: Uint8Array): SecretBox {
    const box = Object.create(SecretBox.prototype) as { key: Buffer };
    box.key = Buffer.from(key);
    return box as unknown as SecretBox;
  }

  open(sealed: string): string {
    const [version, iv, body, tag] = sealed.split('.');
    if (version !== VERSION || !iv || body === undefined || !tag) throw new Error('sealed value has an unknown format');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }
}
