// The one map from the `${Placeholders}` of statemachines/loan-pipeline.asl.json to their values. CDK passes it as
// the state machine's DefinitionSubstitutions; the local runner builds it with its own values (partition `aws`,
// local function ARNs) and renders the same file with `renderDefinition`. Pure TypeScript: no aws-cdk-lib import,
// so the local stack can use it without loading CDK.

/** The task handlers that the pipeline invokes, by the placeholder that holds each one's function ARN. */
export const PIPELINE_TASK_PLACEHOLDERS = {
  ResumeFunctionArn: 'pipeline-resume',
  ScoreFunctionArn: 'pipeline-score',
  DecideFunctionArn: 'pipeline-decide',
  RequestReviewFunctionArn: 'pipeline-request-review',
  ConcludeFunctionArn: 'pipeline-conclude',
  PrepareContractFunctionArn: 'pipeline-prepare-contract',
  DocumentsFunctionArn: 'pipeline-documents',
  DisburseFunctionArn: 'pipeline-disburse',
  RecordFailureFunctionArn: 'pipeline-record-failure',
} as const;

export type PipelineTaskPlaceholder = keyof typeof PIPELINE_TASK_PLACEHOLDERS;
export type PipelineTaskHandler = (typeof PIPELINE_TASK_PLACEHOLDERS)[PipelineTaskPlaceholder];

/** Every placeholder of the definition file. */
export const PIPELINE_PLACEHOLDERS = ['Partition', ...(Object.keys(PIPELINE_TASK_PLACEHOLDERS) as PipelineTaskPlaceholder[])] as const;
export type PipelinePlaceholder = (typeof PIPELINE_PLACEHOLDERS)[number];

export interface PipelineTargets {
  /** The ARN partition: `aws`, `aws-cn`, …; in CDK the `AWS::Partition` token (`Aws.PARTITION`). */
  readonly partition: string;
  /** The ARN (or, locally, any identifier the runner resolves) of each task handler's function. */
  readonly functionArns: Readonly<Record<PipelineTaskHandler, string>>;
}

/** The substitution map for the definition file: placeholder name (without `${}`) → value. */
export function pipelineSubstitutions(targets: PipelineTargets): Record<PipelinePlaceholder, string> {
  const map = { Partition: targets.partition } as Record<PipelinePlaceholder, string>;
  for (const [placeholder, handler] of Object.entries(PIPELINE_TASK_PLACEHOLDERS) as [PipelineTaskPlaceholder, PipelineTaskHandler][]) {
    const arn = targets.functionArns[handler];
    if (!arn) throw new Error(`no function ARN for pipeline task handler '${handler}' (placeholder \${${placeholder}})`);
    map[placeholder] = arn;
  }
  return map;
}

/**
 * Fills the placeholders of a definition text, as Step Functions does with DefinitionSubstitutions. Fails on a
 * placeholder the map does not know, so that a new placeholder cannot reach a runner unfilled.
 */
export function renderDefinition(definition: string, substitutions: Readonly<Record<string, string>>): string {
  return definition.replace(/\$\{([A-Za-z0-9_]+)\}/g, (_match, name: string) => {
    const value = substitutions[name];
    if (value === undefined) throw new Error(`the state machine definition uses \${${name}}, which the substitution map does not define`);
    return value;
  });
}

/** The placeholder names used in a definition text. */
export function placeholdersOf(definition: string): string[] {
  return [...new Set([...definition.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((match) => match[1]!))];
}
