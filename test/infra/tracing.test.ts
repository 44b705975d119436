// X-Ray end to end where AWS offers it: every Lambda of the stack traced (Active), the state machine traced. The HTTP
// API (apigatewayv2) has no X-Ray support; requests are correlated by the API request id instead (lib/api.ts).

import { Template } from 'aws-cdk-lib/assertions';
import type { MicroloanStack } from '../../lib/microloan-stack';
import { buildTestApp, removeAssemblies, type Resources } from './support';

let stack: MicroloanStack;
let resources: Resources;

beforeAll(() => {
  ({ stack } = buildTestApp({}, { nag: false }));
  resources = Template.fromStack(stack).toJSON().Resources as Resources;
}, 180_000);

afterAll(removeAssemblies);

function ofType(type: string): [string, Resources[string]][] {
  return Object.entries(resources).filter(([, r]) => r.Type === type);
}

describe('tracing', () => {
  test('every Lambda function has active X-Ray tracing', () => {
    const functions = ofType('AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThan(0);
    const untraced = functions.filter(([, r]) => r.Properties?.TracingConfig?.Mode !== 'Active').map(([id]) => id);
    expect(untraced).toEqual([]);
  });

  test('the state machine has X-Ray tracing enabled', () => {
    const machines = ofType('AWS::StepFunctions::StateMachine');
    expect(machines.length).toBeGreaterThan(0);
    for (const [, machine] of machines) expect(machine.Properties?.TracingConfiguration).toEqual({ Enabled: true });
  });
});
