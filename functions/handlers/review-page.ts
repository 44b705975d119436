// The reviewer's link (API.md "Reviewer"; no login: the signed link is the credential):
//   GET  /v1/reviews/{reviewId}?sig=…&exp=…[&lang=]           the case and the decision form; changes nothing but
//                                                              the audit trail (review.viewed): mail scanners prefetch
//   POST /v1/reviews/{reviewId}/decision?sig=…&exp=…[&lang=]  the form (x-www-form-urlencoded) or JSON
//                                                              {decision, comment}; decides once, resumes the pipeline
// A bad signature gets 403; a decided, escalated, expired or closed review (a second or late click) a clear page and
// 409; a missing comment 422 naming the field. Never a stack trace. Every response carries the security headers.

import { ConflictError, NotFoundError, UnsupportedMediaTypeError, ValidationError, type FieldProblem } from '../core/kernel/errors';
import { parseExp } from '../core/review/review-links';
import { decideReview, openReviewCase, type DecisionInput, type LinkInput } from '../core/review/review-service';
import { InvalidReviewLinkError, ReviewClosedError, type ReviewerLanguage } from '../core/review/reviews';
import { defineFunction, type DepsOf } from '../shared/function-definition';
import { BadRequestError, errorToProblem, header, httpHandler, json, pathParam, readJson, type HttpHandler, type HttpResult } from '../shared/http';
import { lazyHandler } from '../shared/production';
import * as production from '../shared/production';
import { PAGE_HEADERS, pageLanguage, renderCasePage, renderClosedPage, renderConfirmationPage, renderMessagePage } from '../shared/review-pages';
import type { ReviewDecidedBody } from '../shared/response-schemas';

export const definition = defineFunction({
  clock: production.clock,
  applications: production.applications,
  reviewers: production.reviewerDirectory,
  reviews: production.reviews,
  reviewLinks: production.reviewLinkVerifier,
  taskTokens: production.taskTokens,
  pii: production.pii,
  products: production.productCatalog,
  logger: production.logger,
  settings: production.settings,
});

type Deps = DepsOf<typeof definition>;
/** The lender's language (PRODUCT.md §2.12), when a reviewer has none recorded. */
const DEFAULT_LANGUAGE: ReviewerLanguage = 'zh-CN';
const MAX_FORM_BYTES = 64 * 1024;

function page(statusCode: number, body: string): HttpResult {
  return { statusCode, headers: { ...PAGE_HEADERS }, body };
}

function withPageHeaders(result: HttpResult): HttpResult {
  const { 'content-type': _html, ...security } = PAGE_HEADERS;
  return { ...result, headers: { ...security, ...(result.headers ?? {}) } };
}

function isJson(contentType: string): boolean {
  return /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(contentType);
}

/** The decision from the form or from JSON. Problems with the values are the use case's to report (422). */
function readDecision(event: Parameters<HttpHandler>[0]): DecisionInput {
  const contentType = header(event, 'content-type') ?? '';
  if (isJson(contentType)) {
    const raw = readJson(event);
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw new ValidationError('the body must be a JSON object', [{ path: 'body', message: 'must be an object with "decision" and "comment"' }]);
    }
    const { decision, comment } = raw as Record<string, unknown>;
    return { decision, comment };
  }
  if (/^application\/x-www-form-urlencoded\s*(?:;|$)/i.test(contentType)) {
    const text = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
    if (Buffer.byteLength(text) > MAX_FORM_BYTES) throw new BadRequestError('the form is too large', [{ path: 'body', message: 'too large' }]);
    const form = new URLSearchParams(text);
    return { decision: form.get('decision') ?? undefined, comment: form.get('comment') ?? '' };
  }
  throw new UnsupportedMediaTypeError(`content-type must be application/x-www-form-urlencoded or application/json, got "${contentType || 'none'}"`);
}

export function createHandler(deps: Deps): HttpHandler {
  async function reviewerLanguage(reviewerId: string): Promise<ReviewerLanguage> {
    return (await deps.reviewers.get(reviewerId))?.language ?? DEFAULT_LANGUAGE;
  }

  return httpHandler(deps.logger, async (event) => {
    const query = event.queryStringParameters ?? {};
    const lang = pageLanguage(query.lang);
    const isPost = event.requestContext.http.method === 'POST';
    const jsonRequest = isPost && isJson(header(event, 'content-type') ?? '');

    let link: LinkInput;
    try {
      link = { reviewId: pathParam(event, 'reviewId'), sig: query.sig, exp: parseExp(query.exp) };
    } catch {
      return jsonRequest ? withPageHeaders(errorToProblem(new NotFoundError('no such review'), deps.logger)) : page(404, renderMessagePage('notFound', lang));
    }
    deps.logger.appendKeys({ reviewId: link.reviewId });

    let input: DecisionInput | undefined;
    try {
      if (!isPost) {
        const reviewCase = await openReviewCase(deps, link);
        return page(200, renderCasePage(reviewCase, { sig: link.sig!, exp: link.exp!, ...(lang ? { lang } : {}) }));
      }
      input = readDecision(event);
      const { review, delivery } = await decideReview(deps, link, input);
      deps.logger.info('review decided', { decision: review.decision!.decision, reviewLevel: review.level, delivery });
      if (jsonRequest) {
        return withPageHeaders(
          json(200, {
            reviewId: review.reviewId,
            applicationId: review.applicationId,
            level: review.level,
            round: review.round,
            status: review.status,
            decision: review.decision!.decision,
            comment: review.decision!.comment,
            decidedAt: review.decision!.decidedAt,
            delivery,
          } satisfies ReviewDecidedBody),
        );
      }
      return page(200, renderConfirmationPage(review, lang ?? (await reviewerLanguage(review.reviewerId)), delivery));
    } catch (error) {
      if (jsonRequest) return withPageHeaders(errorToProblem(error, deps.logger));
      return errorPage(error, input);
    }

    async function errorPage(error: unknown, form: DecisionInput | undefined): Promise<HttpResult> {
      try {
        if (error instanceof InvalidReviewLinkError) return page(403, renderMessagePage('invalid', lang));
        if (error instanceof ReviewClosedError) {
          deps.logger.info('review link no longer takes a decision', { reason: error.reason, method: event.requestContext.http.method });
          return page(409, renderClosedPage(error.reason, error.review, lang ?? (await reviewerLanguage(error.review.reviewerId))));
        }
        if (error instanceof ValidationError) {
          // The form again, with the problems named and the reviewer's input kept; viewing it again records nothing.
          const reviewCase = await openReviewCase(deps, link, { recordView: false });
          const errors: FieldProblem[] = error.errors.length > 0 ? error.errors : [{ path: 'body', message: error.message }];
          return page(
            422,
            renderCasePage(reviewCase, { sig: link.sig!, exp: link.exp!, ...(lang ? { lang } : {}) }, {
              errors,
              ...(typeof form?.decision === 'string' ? { decision: form.decision.toUpperCase() } : {}),
              ...(typeof form?.comment === 'string' ? { comment: form.comment } : {}),
            }),
          );
        }
        if (error instanceof UnsupportedMediaTypeError || error instanceof BadRequestError) {
          return page(error instanceof UnsupportedMediaTypeError ? 415 : 400, renderMessagePage('unsupported', lang));
        }
        if (error instanceof NotFoundError) return page(404, renderMessagePage('notFound', lang));
        if (error instanceof ConflictError) return page(409, renderMessagePage('error', lang));
      } catch (inner) {
        // The re-rendering itself failed (the review closed meanwhile, …): answer for that instead.
        if (inner !== error) return errorPage(inner, form);
      }
      deps.logger.error('review page failed', { error: error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : String(error) });
      return page(500, renderMessagePage('error', lang));
    }
  });
}

export const handler = lazyHandler(() => createHandler(definition.wire()));
