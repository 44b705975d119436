// Document uploads go straight from the applicant to S3 with a pre-signed PUT. The content type and length are part
// of the signature, so S3 refuses a file of another type or size than the one declared.

import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Clock } from '../../core/kernel/ports';
import type { DocumentStorage } from '../../core/applications/ports';

export function createS3DocumentStorage(client: S3Client, bucket: string, clock: Clock): DocumentStorage {
  return {
    async createUploadUrl({ objectKey, contentType, sizeBytes, expiresInSeconds }) {
      const command = new PutObjectCommand({
        Bucket: bucket,
        Key: objectKey,
        ContentType: contentType,
        ContentLength: sizeBytes,
      });
      const uploadUrl = await getSignedUrl(client, command, {
        expiresIn: expiresInSeconds,
        signableHeaders: new Set(['content-type', 'content-length']),
      });
      const expiresAt = new Date(clock.now().getTime() + expiresInSeconds * 1000).toISOString();
      return { uploadUrl, expiresAt, objectKey };
    },
  };
}
