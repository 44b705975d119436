// One declaration per function: a provider builds its port once, from only the settings its bindings give, and fails
// with the setting's name when CDK did not give it; a definition's bindings are the union of its ports'. The lines
// marked as expected type errors are part of the test: `npm test` type-checks first, and fails if one compiles.

import { defineFunction, provider, type DepsOf } from '../../../functions/shared/function-definition';
import { lambdaConfig } from '../../../functions/shared/config';

describe('function definitions', () => {
  it("builds a port once, from its bindings' settings, and names a missing one", () => {
    let builds = 0;
    const table = provider(['tableRead'], (config) => {
      builds += 1;
      return { table: config.TABLE_NAME, zone: config.TIME_ZONE };
    });
    const pipeline = provider(['pipelineStart'], (config) => config.STATE_MACHINE_ARN);
    // The configuration is parsed once per container; this test's environment is that container's.
    const config = lambdaConfig({ TABLE_NAME: 'microloan-test', TIME_ZONE: 'Asia/Shanghai' });
    expect(config.TABLE_NAME).toBe('microloan-test');
    expect(table.build()).toEqual({ table: 'microloan-test', zone: 'Asia/Shanghai' });
    expect(table.build()).toBe(table.build());
    expect(builds).toBe(1);
    expect(() => pipeline.build()).toThrow('missing configuration STATE_MACHINE_ARN (binding pipelineStart)');
  });

  it("gives a definition the union of its ports' bindings and the deps type of their products", () => {
    const definition = defineFunction({
      a: provider(['tableRead'], () => 1),
      b: provider(['tableRead', 'piiSecret'], () => 'two'),
      c: provider([], () => true),
    });
    expect(definition.bindings).toEqual(['piiSecret', 'tableRead']);
    const deps: DepsOf<typeof definition> = { a: 1, b: 'two', c: true };
    // @ts-expect-error a port's product has its provider's type
    const wrong: DepsOf<typeof definition> = { a: 'one', b: 'two', c: true };
    expect([deps, wrong]).toHaveLength(2);
  });

  it('lets a port read only the settings of its bindings (checked by the compiler)', () => {
    // @ts-expect-error STATE_MACHINE_ARN comes with pipelineStart/pipelineStop, not with the table
    const reading = provider(['tableRead'], (config) => config.STATE_MACHINE_ARN);
    // @ts-expect-error not a binding
    const unknown = provider(['theWholeAccount'], () => 1);
    // The lender's settings come with every function.
    const common = provider([], (config) => config.TIME_ZONE);
    expect([reading, unknown, common]).toHaveLength(3);
  });
});
