// The uploaded documents themselves, in the documents bucket: the first bytes of one (a ranged GetObject, so a 10 MB
// file costs 16 bytes of transfer), and its deletion (in the versioned bucket a delete marker: the object is no
// longer readable; the replaced version expires by the bucket's lifecycle rule).

import { DeleteObjectCommand, GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { UploadedFiles } from '../../core/applications/ports';

export function createS3UploadedFiles(client: S3Client, bucket: string): UploadedFiles {
  return {
    async readHead(objectKey, bytes) {
      try {
        const result = await client.send(new GetObjectCommand({ Bucket: bucket, Key: objectKey, Range: `bytes=0-${bytes - 1}` }));
        const body = result.Body ? await result.Body.transformToByteArray() : new Uint8Array();
        return body.subarray(0, bytes);
      } catch (error) {
        const name = error instanceof Error ? error.name : '';
        // Gone (NoSuchKey), or empty: a range of an empty object is not satisfiable (416) — no bytes either way.
        if (name === 'NoSuchKey') return undefined;
        if (name === 'InvalidRange') return new Uint8Array();
        throw error;
      }
    },
    async remove(objectKey) {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: objectKey }));
    },
  };
}
