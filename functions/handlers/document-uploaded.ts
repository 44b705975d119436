// S3 ObjectCreated under applications/: the upload arrived, so the document counts as received.

import type { S3Event } from 'aws-lambda';
import { parseDocumentObjectKey } from '../core/applications/intake';
import { defineFunction, type DepsOf } from '../shared/function-definition';
import { lazyHandler } from '../shared/production';
import * as production from '../shared/production';

export const definition = defineFunction({
  applications: production.applications,
  clock: production.clock,
  logger: production.logger,
});

type Deps = DepsOf<typeof definition>;

export function createHandler(deps: Deps) {
  return async (event: S3Event): Promise<void> => {
    for (const record of event.Records ?? []) {
      // S3 URL-encodes keys in events, with '+' for spaces.
      const objectKey = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
      const ids = parseDocumentObjectKey(objectKey);
      if (!ids) {
        deps.logger.warn('upload outside the documents layout ignored', { objectKey });
        continue;
      }
      const changed = await deps.applications.markDocumentReceived(ids.applicationId, ids.documentId, deps.clock.now().toISOString());
      deps.logger.info(changed ? 'document received' : 'document event repeated or unknown', { ...ids });
    }
  };
}

export const handler = lazyHandler((): ((event: S3Event, context: unknown) => Promise<void>) => createHandler(definition.wire()));
