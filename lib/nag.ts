// Helpers for cdk-nag 3 acknowledgements. cdk-nag 3 is a policy validation plugin; a finding is acknowledged with
// CDK's own `Validations.of(construct).acknowledge({ id, reason })`, one call per finding id, on the construct that
// owns the flagged resource (or an ancestor of it). Every acknowledgement in this app goes through `acknowledge`
// so that each carries a reason.

import { CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** Acknowledges one cdk-nag finding on `scope` and everything below it. */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  if (reason.trim().length < 20) throw new Error(`acknowledgement of ${id} needs a specific reason, got '${reason}'`);
  Validations.of(scope).acknowledge({ id, reason });
}

/**
 * How cdk-nag writes a CloudFormation reference inside a finding id (see cdk-nag's flattenCfnReference):
 * `{ "Fn::GetAtt": [L, "Arn"] }` → `<L.Arn>`, `{ "Ref": L }` → `<L>`.
 */
export function nagRef(element: CfnElement, attribute?: string): string {
  const logicalId = Stack.of(element).getLogicalId(element);
  return attribute ? `<${logicalId}.${attribute}>` : `<${logicalId}>`;
}
