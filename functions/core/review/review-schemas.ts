// Request bodies of the reviewer endpoints as zod schemas: the validation of POST /v1/reviewers and the OpenAPI
// description of both. (The decision's own rules, a comment for REJECT and REQUEST_INFO, are in validateDecision,
// which also reads the HTML form.)

import { z } from 'zod';
import { REVIEW_DECISIONS, REVIEWER_LANGUAGES, type ReviewDecision } from './reviews';

export const newReviewerSchema = z.strictObject({
  email: z.email({ error: 'must be an email address' }).max(254, 'must be at most 254 characters'),
  name: z.string({ error: 'must be text' }).trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  level: z.union([z.literal(1), z.literal(2), z.literal(3)], { error: 'must be 1, 2 or 3' }),
  language: z.enum(REVIEWER_LANGUAGES, { error: `must be one of ${REVIEWER_LANGUAGES.join(', ')}` }).default('zh-CN'),
});

export const reviewDecisionSchema = z.object({
  decision: z.enum(REVIEW_DECISIONS as [ReviewDecision, ...ReviewDecision[]]),
  /** Required for REJECT (the reason given to the applicant) and REQUEST_INFO (what is needed). */
  comment: z.string().max(2000).optional(),
});
