// POST /v1/applications/{applicationId}/documents — a pre-signed upload URL for one declared file.

import { documentUploadRequestSchema } from '../core/applications/application-schema';
import { requestDocumentUpload } from '../core/applications/intake';
import { defineFunction, type DepsOf } from '../shared/function-definition';
import { httpHandler, json, parseBody, pathParam, principalOf, type HttpHandler } from '../shared/http';
import { lazyHandler } from '../shared/production';
import * as production from '../shared/production';

export const definition = defineFunction({
  applications: production.applications,
  documents: production.documents,
  ids: production.ids,
  clock: production.clock,
  settings: production.settings,
  logger: production.logger,
});

type Deps = DepsOf<typeof definition>;

export function createHandler(deps: Deps): HttpHandler {
  return httpHandler(deps.logger, async (event) => {
    const principal = principalOf(event);
    const applicationId = pathParam(event, 'applicationId');
    const request = parseBody(event, documentUploadRequestSchema);
    const upload = await requestDocumentUpload(deps, { subject: principal.subject, isStaff: false }, applicationId, request);
    deps.logger.info('document upload requested', { applicationId, documentId: upload.documentId, kind: request.kind });
    return json(201, upload);
  });
}

export const handler = lazyHandler(() => createHandler(definition.wire()));
