// Active X-Ray tracing for the Lambdas CDK creates on its own (the custom resource provider framework), which take
// no `tracing` prop: the house functions set Tracing.ACTIVE themselves
// (house-function.ts). With every function traced, a trace follows a request through every Lambda and the state machine
// (tracingEnabled in pipeline.ts); the HTTP API (apigatewayv2) has no X-Ray support (see api.ts).

import { CfnResource } from 'aws-cdk-lib';
import { PolicyStatement, type IRole } from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { acknowledge } from './nag';

/**
 * Turns on active tracing for the AWS::Lambda::Function `functionResource` and lets its execution role send traces
 * (the permissions Tracing.ACTIVE adds to a house function's role; Lambda refuses active tracing without them).
 */
export function traceActively(functionResource: IConstruct, role: IRole): void {
  if (!CfnResource.isCfnResource(functionResource) || functionResource.cfnResourceType !== 'AWS::Lambda::Function') {
    throw new Error(`expected an AWS::Lambda::Function resource, got ${functionResource.node.path}`);
  }
  functionResource.addPropertyOverride('TracingConfig.Mode', 'Active');
  role.addToPrincipalPolicy(new PolicyStatement({ actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] }));
  acknowledge(
    role,
    'AwsSolutions-IAM5[Resource::*]',
    'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions; "*" is the only valid resource (the statement Tracing.ACTIVE adds).',
  );
}
