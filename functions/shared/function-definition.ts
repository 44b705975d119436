// One declaration per function. A handler lists the ports it needs, each from a provider that knows what it is bound
// to; from that one list follow the handler's dependency type (DepsOf), its production wiring (wire) and, in CDK, its
// environment and IAM grants (lib/bindings.ts reads `bindings`). Forgetting a port is a type error in the handler;
// a port reading a setting its bindings do not give is a type error in production.ts; a binding whose grant does not
// set its settings fails the synth.

import { BINDINGS, type BindingName, type ConfigFor, type RequiredSettingOf } from './bindings';
import { lambdaConfig, type LambdaConfig } from './config';

/** A port as production builds it: at most once per Lambda container, on first use, from the bindings it declares. */
export interface Provider<T> {
  readonly bindings: readonly BindingName[];
  build(): T;
}

/** A provider whose `build` gets only the configuration its bindings give (see ConfigFor). */
export function provider<T, const B extends readonly BindingName[] = []>(bindings: B, build: (config: ConfigFor<B[number]>) => T): Provider<T> {
  let built: { value: T } | undefined;
  return {
    bindings,
    build() {
      built ??= { value: build(configFor(bindings)) };
      return built.value;
    },
  };
}

/** The parsed configuration, after checking that every setting the bindings promise is there (else a clear error). */
function configFor<B extends readonly BindingName[]>(bindings: B): ConfigFor<B[number]> {
  const config: LambdaConfig = lambdaConfig();
  for (const binding of bindings) {
    for (const setting of BINDINGS[binding].settings as readonly RequiredSettingOf<BindingName>[]) {
      if (config[setting] === undefined) throw new Error(`missing configuration ${setting} (binding ${binding})`);
    }
  }
  // Checked above: every setting the bindings promise is present.
  return config as unknown as ConfigFor<B[number]>;
}

export type Ports = Readonly<Record<string, Provider<unknown>>>;

/** The dependencies a handler gets from its ports: each provider's product under the port's name. */
export type DepsOf<D extends { readonly ports: Ports }> = { [K in keyof D['ports']]: D['ports'][K] extends Provider<infer T> ? T : never };

export interface FunctionDefinition<P extends Ports = Ports> {
  readonly ports: P;
  /** Every binding of every port, once each, sorted: what CDK grants and configures. */
  readonly bindings: readonly BindingName[];
  /** Builds every port (once per container); the handler's production dependencies. */
  wire(): DepsOf<{ ports: P }>;
}

export function defineFunction<const P extends Ports>(ports: P): FunctionDefinition<P> {
  const bindings = [...new Set(Object.values(ports).flatMap((port) => port.bindings))].sort();
  return {
    ports,
    bindings,
    wire: () => Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, port.build()])) as DepsOf<{ ports: P }>,
  };
}
