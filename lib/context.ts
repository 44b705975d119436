// cdk.json's context: the lender's settings (microloan:*) as the CDK CLI passes them. Read without loading CDK, so
// the local stack and the scripts take the same values (the time zone above all) that a deployment gets.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './paths';

/** The context that cdk.json gives the CLI, for callers that build the app without the CLI (the tests). */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return { ...cdkJson.context };
}

/** The lender's IANA time zone (`microloan:timeZone`): loan days, the overdue scan's run times, quiet hours. */
export function lenderTimeZone(context: Record<string, unknown> = cdkJsonContext()): string {
  const zone = context['microloan:timeZone'];
  if (typeof zone !== 'string' || !isTimeZone(zone)) {
    throw new Error(`context microloan:timeZone must be an IANA time zone such as Europe/Berlin, got ${JSON.stringify(zone)}`);
  }
  return zone;
}

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
