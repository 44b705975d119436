// The data at rest: the customer-managed KMS key, the single DynamoDB table (built from the one table definition that
// the local stack also uses) and the secret that keys PII encryption and the national-ID look-up hashes.

import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import {
  GLOBAL_INDEXES,
  KEY_ATTRIBUTE_TYPE,
  TABLE_KEYS,
  TTL_ATTRIBUTE,
} from '../functions/adapters/dynamodb/table-definition';
import { acknowledge } from './nag';
import type { HouseFunction } from './house-function';
import { grantKeyViaService } from './key-grants';

export interface DataProps {
  /** Keep the table, key and secret (and protect the table from deletion) when the stack is deleted. */
  readonly retainData: boolean;
}

const ATTRIBUTE_TYPES: Record<typeof KEY_ATTRIBUTE_TYPE, AttributeType> = { S: AttributeType.STRING };

export class Data extends Construct {
  /** Encrypts the table, the SNS topics and the PII secret. */
  public readonly key: Key;
  public readonly table: Table;
  /** 64 random characters; the PII adapter derives its encryption and hashing keys from it. */
  public readonly piiSecret: Secret;
  /** Signs the reviewers' links (HMAC over review id, reviewer and expiry). */
  public readonly reviewLinkSecret: Secret;
  /** Shared with the bank: signs the repayment webhook's bodies (HMAC-SHA256). */
  public readonly repaymentWebhookSecret: Secret;

  constructor(scope: Construct, id: string, props: DataProps) {
    super(scope, id);
    const removalPolicy = props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const type = ATTRIBUTE_TYPES[KEY_ATTRIBUTE_TYPE];

    this.key = new Key(this, 'Key', {
      description: 'microloan-approval data key: DynamoDB table, SNS topics, PII secret',
      enableKeyRotation: true,
      removalPolicy,
    });

    this.table = new Table(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type },
      sortKey: { name: TABLE_KEYS.sortKey, type },
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TTL_ATTRIBUTE,
      deletionProtection: props.retainData,
      removalPolicy,
    });
    for (const index of GLOBAL_INDEXES) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type },
        sortKey: { name: index.sortKey, type },
      });
    }

    this.piiSecret = new Secret(this, 'PiiSecret', {
      description: 'microloan-approval PII key material (field encryption and national-ID look-up hashes)',
      encryptionKey: this.key,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy,
    });
    this.reviewLinkSecret = new Secret(this, 'ReviewLinkSecret', {
      description: 'microloan-approval review link signing key (HMAC-SHA256)',
      encryptionKey: this.key,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy,
    });
    acknowledge(
      this.reviewLinkSecret,
      'AwsSolutions-SMG4',
      'rotating the link key invalidates every review link already e-mailed; reviewers would have to be sent new links, so it is rotated as a planned change, not automatically.',
    );
    this.repaymentWebhookSecret = new Secret(this, 'RepaymentWebhookSecret', {
      description: 'microloan-approval repayment webhook key shared with the bank (HMAC-SHA256 over the body)',
      encryptionKey: this.key,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy,
    });
    acknowledge(
      this.repaymentWebhookSecret,
      'AwsSolutions-SMG4',
      'the key is shared with the bank that signs repayment notifications; rotating it must be agreed and scheduled with the bank, so it is rotated by that procedure, not automatically.',
    );
    acknowledge(
      this.piiSecret,
      'AwsSolutions-SMG4',
      'the secret keys the national-ID look-up hashes stored in the table; an automatic rotation would orphan every stored hash, so it is rotated by a planned re-keying migration instead of Secrets Manager rotation.',
    );
  }

  /** Lets `fn` read the review link signing key (REVIEW_LINK_SECRET_ARN), in every partition. */
  public grantReviewLinkSecretRead(fn: HouseFunction): void {
    fn.setConfig('REVIEW_LINK_SECRET_ARN', this.reviewLinkSecret.secretArn);
    this.reviewLinkSecret.grantRead(fn);
    grantKeyViaService(this.key, fn, 'secretsmanager', 'kms:Decrypt');
  }

  /** Lets `fn` verify the bank's repayment webhook (REPAYMENT_WEBHOOK_SECRET_ARN), in every partition. */
  public grantRepaymentWebhookSecretRead(fn: HouseFunction): void {
    fn.setConfig('REPAYMENT_WEBHOOK_SECRET_ARN', this.repaymentWebhookSecret.secretArn);
    this.repaymentWebhookSecret.grantRead(fn);
    grantKeyViaService(this.key, fn, 'secretsmanager', 'kms:Decrypt');
  }

  /** Lets `fn` read the PII key material (PII_SECRET_ARN), in every partition. */
  public grantPiiSecretRead(fn: HouseFunction): void {
    fn.setConfig('PII_SECRET_ARN', this.piiSecret.secretArn);
    this.piiSecret.grantRead(fn);
    // Secret.grantRead puts kms:Decrypt in the key policy with an amazonaws.com-only ViaService condition, which
    // does not match in the China regions; this identity-policy grant holds in every partition.
    grantKeyViaService(this.key, fn, 'secretsmanager', 'kms:Decrypt');
  }
}
