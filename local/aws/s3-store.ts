// S3 objects on disk for the emulator: under <dir>/<bucket>/, each object is a data file and a JSON file with its
// metadata, named by the SHA-256 of the key (keys may be 1024 bytes and contain anything). Writes go to a new data
// file and then atomically replace the metadata, so a reader sees the old object or the new one, never a mix, and
// the objects survive restarts.

import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface StoredObject {
  key: string;
  size: number;
  /** The MD5 hex, without quotes. */
  etag: string;
  contentType: string;
  /** ISO date. */
  lastModified: string;
  /** x-amz-meta-* (names lowercase, without the prefix). */
  metadata: Record<string, string>;
  /** Cache-Control, Content-Disposition, Content-Encoding, Content-Language, Expires as given. */
  headers: Record<string, string>;
  /** Checksums the client sent and S3 verified: algorithm → base64 value. */
  checksums: Record<string, string>;
  versionId?: string;
  sse: { algorithm: string; kmsKeyArn?: string; bucketKeyEnabled?: boolean };
  /** The data file's name in the bucket folder. */
  file: string;
}

export class S3Store {
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  put(bucket: string, object: Omit<StoredObject, 'file'>, data: Buffer): StoredObject {
    const folder = this.bucketDir(bucket);
    const id = keyId(object.key);
    const previous = this.head(bucket, object.key);
    const file = `${id}.${randomBytes(6).toString('hex')}.data`;
    writeFileSync(join(folder, file), data);
    const stored: StoredObject = { ...object, file };
    const metaPath = join(folder, `${id}.json`);
    const temporary = `${metaPath}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(temporary, JSON.stringify(stored));
    renameSync(temporary, metaPath);
    if (previous && previous.file !== file) rmSync(join(folder, previous.file), { force: true });
    return stored;
  }

  head(bucket: string, key: string): StoredObject | undefined {
    try {
      const parsed = JSON.parse(readFileSync(join(this.bucketDir(bucket), `${keyId(key)}.json`), 'utf8')) as StoredObject;
      return parsed.key === key ? parsed : undefined;
    } catch {
      return undefined;
    }
  }

  /** The object and its data; undefined when it does not exist (or vanished between the two reads). */
  get(bucket: string, key: string): { object: StoredObject; data: Buffer } | undefined {
    for (let attempt = 0; attempt < 3; attempt++) {
      const object = this.head(bucket, key);
      if (!object) return undefined;
      try {
        return { object, data: readFileSync(join(this.bucketDir(bucket), object.file)) };
      } catch {
        // replaced meanwhile: read the new metadata
      }
    }
    return undefined;
  }

  delete(bucket: string, key: string): void {
    const object = this.head(bucket, key);
    if (!object) return;
    const folder = this.bucketDir(bucket);
    rmSync(join(folder, `${keyId(key)}.json`), { force: true });
    rmSync(join(folder, object.file), { force: true });
  }

  private bucketDir(bucket: string): string {
    // Bucket names are validated by the template (lowercase letters, digits, dots, dashes); keep it that way on disk.
    if (!/^[a-z0-9][a-z0-9.-]{1,62}$/.test(bucket)) throw new Error(`not a bucket name: ${bucket}`);
    const folder = join(this.dir, bucket);
    mkdirSync(folder, { recursive: true });
    return folder;
  }
}

function keyId(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}
