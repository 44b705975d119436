// EventBridge "Object Created" from the documents bucket, under applications/ (lib/documents.ts): the upload arrived.
// Its first bytes are checked against the declared type (a ranged read of 16 bytes): a match counts the document
// received, a mismatch rejects it and deletes the object (receiveUploadedDocument). EventBridge delivers at least
// once: a repeated event changes nothing.

import type { EventBridgeEvent } from 'aws-lambda';
import { parseDocumentObjectKey, receiveUploadedDocument } from '../core/applications/intake';
import { defineFunction, type DepsOf } from '../shared/function-definition';
import { lazyHandler } from '../shared/production';
import * as production from '../shared/production';

export const definition = defineFunction({
  applications: production.applications,
  uploadedFiles: production.uploadedFiles,
  clock: production.clock,
  logger: production.logger,
});

type Deps = DepsOf<typeof definition>;

/** The detail of S3's "Object Created" event on EventBridge (keys are not URL-encoded there, unlike S3 notifications). */
export interface ObjectCreatedDetail {
  bucket: { name: string };
  object: { key: string; size?: number; etag?: string };
  reason?: string;
}

export type ObjectCreatedEvent = EventBridgeEvent<'Object Created', ObjectCreatedDetail>;

const MESSAGES = {
  received: 'document received',
  rejected: 'document rejected: its bytes are not the declared type; the object was deleted',
  unchanged: 'document event repeated',
  'unknown-document': 'document event for an unknown document',
  'no-object': 'document event for an object that is not there',
} as const;

export function createHandler(deps: Deps) {
  return async (event: ObjectCreatedEvent): Promise<void> => {
    const objectKey = event.detail?.object?.key;
    const ids = typeof objectKey === 'string' ? parseDocumentObjectKey(objectKey) : undefined;
    if (!ids || typeof objectKey !== 'string') {
      deps.logger.warn('upload outside the documents layout ignored', { objectKey: objectKey ?? null });
      return;
    }
    const outcome = await receiveUploadedDocument(deps, objectKey);
    const log = outcome === 'rejected' || outcome === 'no-object' ? deps.logger.warn.bind(deps.logger) : deps.logger.info.bind(deps.logger);
    log(MESSAGES[outcome], { ...ids, outcome });
  };
}

export const handler = lazyHandler((): ((event: ObjectCreatedEvent, context: unknown) => Promise<void>) => createHandler(definition.wire()));
