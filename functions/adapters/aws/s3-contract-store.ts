// Contracts in the documents bucket, under `contracts/<applicationId>/<contractId>.txt` (outside the `applications/`
// prefix whose new objects mean "a document was uploaded"). Written once by the Contract step with the text's SHA-256
// as S3's own integrity checksum, so S3 refuses a body that is not the hashed text; read by applicants through
// short-lived pre-signed GET links in the application view.

import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { CONTRACT_CONTENT_TYPE, CONTRACT_PREFIX, contractObjectKey, contractSha256, type ContractStore } from '../../core/contracting/contract';

export function createS3ContractStore(client: S3Client, bucket: string): ContractStore {
  return {
    async put(applicationId, contractId, text) {
      const objectKey = contractObjectKey(applicationId, contractId);
      const body = Buffer.from(text, 'utf8');
      const sha256 = contractSha256(text);
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: objectKey,
          Body: body,
          ContentType: CONTRACT_CONTENT_TYPE,
          ContentLength: body.length,
          ChecksumSHA256: Buffer.from(sha256, 'hex').toString('base64'),
          Metadata: { sha256 },
          // A contract is never served from a cache: every read goes through a fresh signed link.
          CacheControl: 'private, no-store',
        }),
      );
      return { objectKey, sha256 };
    },

    async link(objectKey, expiresInSeconds) {
      if (!objectKey.startsWith(CONTRACT_PREFIX)) throw new RangeError(`not a contract object key: "${objectKey}"`);
      const fileName = objectKey.slice(objectKey.lastIndexOf('/') + 1);
      return getSignedUrl(
        client,
        new GetObjectCommand({
          Bucket: bucket,
          Key: objectKey,
          ResponseContentType: CONTRACT_CONTENT_TYPE,
          ResponseContentDisposition: `inline; filename="contract-${fileName}"`,
        }),
        { expiresIn: expiresInSeconds },
      );
    },
  };
}
