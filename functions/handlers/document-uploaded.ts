// EventBridge "Object Created" from the documents bucket, under applications/ (lib/documents.ts): the upload arrived.
// Its first bytes are checked against the declared type (a ranged read of 16 bytes): a match counts the document
// received, a mismatch rejects it and deletes the object (receiveUploadedDocument). If the pipeline waits for
// documents (the checklist gate) and a received upload completes the checklist, the pipeline is resumed. EventBridge
// delivers at least once: a repeated event changes nothing, but still resumes a pipeline the first delivery could not
// reach.

import type { EventBridgeEvent } from 'aws-lambda';
import { parseDocumentObjectKey, receiveUploadedDocument } from '../core/applications/intake';
import { resumeIfChecklistComplete } from '../core/applications/document-checklist';
import { defineFunction, type DepsOf } from '../shared/function-definition';
import { lazyHandler } from '../shared/production';
import * as production from '../shared/production';

export const definition = defineFunction({
  applications: production.applications,
  uploadedFiles: production.uploadedFiles,
  taskTokens: production.taskTokens,
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
    if (outcome !== 'received' && outcome !== 'unchanged') return;
    const gate = await resumeIfChecklistComplete(deps, ids.applicationId);
    if (gate === 'resumed') deps.logger.info('checklist complete: pipeline resumed', { ...ids });
  };
}

export const handler = lazyHandler((): ((event: ObjectCreatedEvent, context: unknown) => Promise<void>) => createHandler(definition.wire()));
