// Secrets Manager (JSON 1.1, X-Amz-Target secretsmanager.<Op>): GetSecretValue (what Powertools' getSecret calls),
// authorized on the secret's complete ARN, plus kms:Decrypt through Secrets Manager when the secret has its own key.

import { AwsServiceError, type EmulatorBackends } from '../backends';
import { deniedMessage, epochSeconds, jsonObject, optionalString, type Reply, type ServiceCall, type ServiceEnvironment } from '../protocol';

export function createSecretsService(env: ServiceEnvironment, backend: EmulatorBackends['secrets']) {
  const secrets = env.model.secrets();
  const { partition, region, accountId } = env.model.account;

  /** The template's secret a SecretId means: its ARN, its ARN without the random suffix, or its name. */
  function templateSecret(secretId: string) {
    return secrets.find((s) => s.arn === secretId || s.name === secretId || s.arn.slice(0, -7) === secretId);
  }

  return {
    protocol: 'json1.1' as const,
    async handle(call: ServiceCall, operation: string): Promise<Reply> {
      const input = jsonObject(call.body);
      if (!input) throw new AwsServiceError('SerializationException', 'the request body is not a JSON object');
      if (operation !== 'GetSecretValue') {
        throw new AwsServiceError('UnknownOperationException', `The local AWS emulator does not implement Secrets Manager ${operation}`);
      }
      const secretId = optionalString(input, 'SecretId');
      if (!secretId) throw new AwsServiceError('InvalidParameterException', "1 validation error detected: Value null at 'secretId' failed to satisfy constraint: Member must not be null");
      const found = backend.get(secretId);
      const fact = templateSecret(found?.arn ?? secretId);
      // AWS authorizes on the secret's ARN; for a secret that does not exist, on the ARN the id names.
      const resource = found?.arn ?? fact?.arn ?? (secretId.startsWith('arn:') ? secretId : `arn:${partition}:secretsmanager:${region}:${accountId}:secret:${secretId}`);
      const decision = call.authorize('secretsmanager:GetSecretValue', resource, { 'secretsmanager:SecretId': resource });
      if (decision !== 'allow') {
        throw new AwsServiceError('AccessDeniedException', deniedMessage(call.caller.sessionArn, 'secretsmanager:GetSecretValue', resource, decision));
      }
      if (!found) throw new AwsServiceError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");

      const versionId = optionalString(input, 'VersionId');
      const versionStage = optionalString(input, 'VersionStage');
      if (versionId !== undefined && versionId !== found.versionId) {
        throw new AwsServiceError('ResourceNotFoundException', `Secrets Manager can't find the specified secret value for VersionId: ${versionId}`);
      }
      if (versionStage !== undefined && versionStage !== 'AWSCURRENT') {
        throw new AwsServiceError('ResourceNotFoundException', `Secrets Manager can't find the specified secret value for staging label: ${versionStage}`);
      }
      if (fact?.kmsKeyArn) {
        const kmsDecision = call.authorize('kms:Decrypt', fact.kmsKeyArn, {
          'kms:ViaService': `secretsmanager.${region}.amazonaws.com`,
          'kms:CallerAccount': accountId,
          'kms:EncryptionContext:SecretARN': found.arn,
          'kms:EncryptionContext:SecretVersionId': found.versionId,
          'aws:ViaAWSService': 'true',
        });
        // What Secrets Manager answers when its call to KMS on the caller's behalf is refused.
        if (kmsDecision !== 'allow') throw new AwsServiceError('AccessDeniedException', 'Access to KMS is not allowed');
      }
      return {
        status: 200,
        headers: { 'content-type': 'application/x-amz-json-1.1' },
        body: JSON.stringify({
          ARN: found.arn,
          Name: found.name,
          VersionId: found.versionId,
          SecretString: found.secretString,
          VersionStages: ['AWSCURRENT'],
          CreatedDate: epochSeconds(call.now()),
        }),
      };
    },
  };
}
