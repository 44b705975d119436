// EventBridge "Object Created" from the documents bucket, under applications/ (lib/documents.ts): the upload arrived,
// so the document counts as received; if the pipeline waits for documents (the checklist gate) and this upload
// completes the checklist, the pipeline is resumed. EventBridge delivers at least once: a repeated event changes
// nothing, but still resumes a pipeline the first delivery could not reach.

import type { EventBridgeEvent } from 'aws-lambda';
import { parseDocumentObjectKey } from '../core/applications/intake';
import { resumeIfChecklistComplete } from '../core/applications/document-checklist';
import { defineFunction, type DepsOf } from '../shared/function-definition';
import { lazyHandler } from '../shared/production';
import * as production from '../shared/production';

export const definition = defineFunction({
  applications: production.applications,
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

export function createHandler(deps: Deps) {
  return async (event: ObjectCreatedEvent): Promise<void> => {
    const objectKey = event.detail?.object?.key;
    const ids = typeof objectKey === 'string' ? parseDocumentObjectKey(objectKey) : undefined;
    if (!ids) {
      deps.logger.warn('upload outside the documents layout ignored', { objectKey: objectKey ?? null });
      return;
    }
    const changed = await deps.applications.markDocumentReceived(ids.applicationId, ids.documentId, deps.clock.now().toISOString());
    deps.logger.info(changed ? 'document received' : 'document event repeated or unknown', { ...ids });
    const gate = await resumeIfChecklistComplete(deps, ids.applicationId);
    if (gate === 'resumed') deps.logger.info('checklist complete: pipeline resumed', { ...ids });
  };
}

export const handler = lazyHandler((): ((event: ObjectCreatedEvent, context: unknown) => Promise<void>) => createHandler(definition.wire()));
