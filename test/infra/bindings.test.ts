// Every function's environment and role follow from its declaration (lib/bindings.ts): what a binding gives is there,
// what no binding gives is not, and a binding whose grant forgets a setting fails the synth. Synthesized without
// bundling: these are facts of the template, not of the code.

import { buildApp, cdkJsonContext } from '../../lib/app';
import { BINDING_GRANTS } from '../../lib/bindings';
import { FUNCTION_DEFINITIONS } from '../../lib/function-definitions';
import { BINDINGS, COMMON_SETTINGS, type BindingName } from '../../functions/shared/bindings';
import type { HandlerName } from '../../functions/shared/routes';
import { actionsOf, houseFunctions, logicalId, statementsOfRole, temporaryOutdir, removeAssemblies, type Resources } from './support';

const unbundled = (overrides: Record<string, unknown> = {}) =>
  buildApp({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [], ...overrides }, nag: false, outdir: temporaryOutdir() });

/** The action that only a function with the binding may have (one per binding that grants anything). */
const SIGNATURE_ACTIONS: Partial<Record<BindingName, string>> = {
  tableReadWrite: 'dynamodb:PutItem',
  pipelineStart: 'states:StartExecution',
  pipelineStop: 'states:StopExecution',
  pipelineTaskTokens: 'states:SendTaskSuccess',
  reviewTopicSubscribe: 'sns:Subscribe',
  selfInvoke: 'lambda:InvokeFunction',
};

const { app, stack } = unbundled();
const template = app.synth().getStackByName(stack.stackName).template as { Resources: Resources };
const functions = houseFunctions(stack);

afterAll(() => removeAssemblies());

describe('functions bound from their declarations', () => {
  test('every function has a declaration, and every declaration a function', () => {
    expect([...functions.keys()].sort()).toEqual((Object.keys(FUNCTION_DEFINITIONS) as HandlerName[]).sort());
  });

  test.each([...functions.keys()])('%s: its settings are those of its bindings and the lender’s', (handler) => {
    const fn = functions.get(handler)!;
    const variables = template.Resources[logicalId(fn.node.defaultChild as never)]!.Properties!.Environment.Variables as Record<string, unknown>;
    const bindings = FUNCTION_DEFINITIONS[handler].bindings;
    const promised = bindings.flatMap((b) => [...BINDINGS[b].settings]);
    const allowed = new Set<string>([...promised, ...bindings.flatMap((b) => [...BINDINGS[b].optional]), ...COMMON_SETTINGS, 'POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_METRICS_NAMESPACE', 'LOG_LEVEL', 'NODE_OPTIONS']);
    for (const setting of promised) expect(Object.keys(variables)).toContain(setting);
    for (const name of Object.keys(variables)) expect(allowed).toContain(name);
  });

  test.each([...functions.keys()])('%s: its role allows the actions of its bindings and none of the others', (handler) => {
    const fn = functions.get(handler)!;
    const actions = actionsOf(statementsOfRole(template.Resources, logicalId(fn.executionRole.node.defaultChild as never)));
    const bindings = new Set(FUNCTION_DEFINITIONS[handler].bindings);
    for (const [binding, action] of Object.entries(SIGNATURE_ACTIONS) as [BindingName, string][]) {
      if (bindings.has(binding)) expect(actions).toContain(action);
      else expect(actions).not.toContain(action);
    }
    const readsTable = bindings.has('tableRead') || bindings.has('tableReadWrite');
    expect(actions.some((a) => a.startsWith('dynamodb:'))).toBe(readsTable);
    expect(actions.includes('secretsmanager:GetSecretValue')).toBe(bindings.has('piiSecret') || bindings.has('reviewLinkSecret') || bindings.has('repaymentWebhookSecret'));
  });

  test('the functions that only read the table are bound to read it, and their roles cannot write', () => {
    for (const handler of ['query-applications', 'application-audit', 'loans', 'review-queue', 'reports', 'quotes'] as const) {
      expect(FUNCTION_DEFINITIONS[handler].bindings).toContain('tableRead');
      expect(FUNCTION_DEFINITIONS[handler].bindings).not.toContain('tableReadWrite');
    }
  });

  test('no function answers task tokens with the state machine ARN it does not need, and each token answerer may', () => {
    for (const handler of ['accept-contract', 'review-page', 'review-sla', 'pipeline-prepare-contract', 'pipeline-request-review'] as const) {
      expect(FUNCTION_DEFINITIONS[handler].bindings).toContain('pipelineTaskTokens');
    }
  });

  test('a binding whose grant does not set its setting fails the synth, naming the function, binding and setting', () => {
    const original = BINDING_GRANTS.publicBaseUrl;
    (BINDING_GRANTS as Record<BindingName, unknown>).publicBaseUrl = () => undefined;
    try {
      expect(() => unbundled()).toThrow(/function (pipeline-request-review|review-sla) is bound to publicBaseUrl, whose grant did not set PUBLIC_BASE_URL/);
    } finally {
      (BINDING_GRANTS as Record<BindingName, unknown>).publicBaseUrl = original;
    }
  });
});
