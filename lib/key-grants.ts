// Grants on the data key that hold only when the key is used through one AWS service (kms:ViaService), written
// without a partition-specific DNS suffix: `<service>.<region>.*` matches amazonaws.com and amazonaws.com.cn alike.

import { Aws } from 'aws-cdk-lib';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';

export function grantKeyViaService(key: IKey, grantee: IGrantable, service: 's3' | 'sns' | 'secretsmanager', ...actions: string[]): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions,
      resources: [key.keyArn],
      conditions: { StringLike: { 'kms:ViaService': `${service}.${Aws.REGION}.*` } },
    }),
  );
}
