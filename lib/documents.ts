// Applicants' documents (ID card, proof of income, business licence): uploaded straight to S3 through pre-signed PUT
// URLs, encrypted with the data key, with server access logs kept in a separate bucket. A new object under
// `applications/` reaches the document-uploaded Lambda through EventBridge, which marks the document received.

import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  CfnBucket,
  HttpMethods,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import { HouseFunction } from './house-function';
import { grantKeyViaService } from './key-grants';
import { acknowledge, nagRef } from './nag';

/** Every uploaded document lives under this prefix: `applications/<applicationId>/<documentId>`. */
export const DOCUMENTS_PREFIX = 'applications/';

export interface DocumentsProps {
  readonly key: IKey;
  readonly logRemovalPolicy: RemovalPolicy;
}

export class Documents extends Construct {
  public readonly bucket: Bucket;
  public readonly accessLogsBucket: Bucket;
  public readonly documentUploadedFunction: HouseFunction;
  /** EventBridge: Object Created under applications/ → documentUploadedFunction. */
  public readonly documentUploadedRule: Rule;
  private readonly key: IKey;

  constructor(scope: Construct, id: string, props: DocumentsProps) {
    super(scope, id);
    this.key = props.key;

    // Buckets are always retained: documents are part of the credit file, and access logs are audit evidence.
    this.accessLogsBucket = new Bucket(this, 'AccessLogsBucket', {
      encryption: BucketEncryption.S3_MANAGED, // the only encryption S3 server access logging can write to
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(400) }],
    });
    acknowledge(
      this.accessLogsBucket,
      'AwsSolutions-S1',
      'this is the server access log bucket of the documents bucket; logging access to the log bucket itself would need yet another bucket and adds no audit value.',
    );

    this.bucket = new Bucket(this, 'DocumentsBucket', {
      encryption: BucketEncryption.KMS,
      encryptionKey: props.key,
      bucketKeyEnabled: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'documents-bucket/',
      lifecycleRules: [
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
        { id: 'expire-replaced-versions', noncurrentVersionExpiration: Duration.days(90) },
      ],
      // Browsers and apps PUT the file straight to S3 with the pre-signed URL; the URL itself is the authorisation.
      cors: [
        {
          allowedMethods: [HttpMethods.PUT],
          allowedOrigins: ['*'],
          allowedHeaders: ['*'],
          exposedHeaders: ['ETag'],
          maxAge: 3000,
        },
      ],
    });

    this.documentUploadedFunction = new HouseFunction(this, 'DocumentUploadedFunction', {
      handlerName: 'document-uploaded',
      description: 'checks an uploaded document (S3 ObjectCreated under applications/): received, or rejected and deleted',
      timeout: Duration.seconds(30),
      logRemovalPolicy: props.logRemovalPolicy,
    });

    // New objects under applications/ reach the function through EventBridge, which S3 enables natively
    // (NotificationConfiguration.EventBridgeConfiguration): no deploy-time custom resource (CDK's
    // BucketNotificationsHandler, an inline Python Lambda) is needed, so every function of the stack is one of ours.
    (this.bucket.node.defaultChild as CfnBucket).notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
    this.documentUploadedRule = new Rule(this, 'DocumentUploadedRule', {
      description: 'a new object under applications/ in the documents bucket: the upload arrived',
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: { bucket: { name: [this.bucket.bucketName] }, object: { key: [{ prefix: DOCUMENTS_PREFIX }] } },
      },
      targets: [new LambdaFunction(this.documentUploadedFunction, { retryAttempts: 8, maxEventAge: Duration.hours(24) })],
    });
  }

  /** Lets `fn` store contracts under `contracts/` (PutObject, encrypted with the data key). */
  public grantContractWrite(fn: HouseFunction): void {
    fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: [this.bucket.arnForObjects(`${CONTRACTS_PREFIX}*`)] }));
    grantKeyViaService(this.key, fn, 's3', 'kms:GenerateDataKey');
    fn.setConfig('DOCUMENTS_BUCKET', this.bucket.bucketName);
    acknowledge(
      fn.executionRole,
      `AwsSolutions-IAM5[Resource::${nagRef(this.bucket.node.defaultChild as CfnBucket, 'Arn')}/${CONTRACTS_PREFIX}*]`,
      'contracts are written to new keys contracts/<applicationId>/<contractId>.txt, unknown before they are generated; PutObject only, on that prefix only.',
    );
  }

  /** Lets `fn` sign GET links to contracts under `contracts/` (GetObject, decrypted with the data key). */
  public grantContractRead(fn: HouseFunction): void {
    fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [this.bucket.arnForObjects(`${CONTRACTS_PREFIX}*`)] }));
    grantKeyViaService(this.key, fn, 's3', 'kms:Decrypt');
    fn.setConfig('DOCUMENTS_BUCKET', this.bucket.bucketName);
    acknowledge(
      fn.executionRole,
      `AwsSolutions-IAM5[Resource::${nagRef(this.bucket.node.defaultChild as CfnBucket, 'Arn')}/${CONTRACTS_PREFIX}*]`,
      'the application view links to its contract at contracts/<applicationId>/<contractId>.txt through a pre-signed GET; GetObject only, on that prefix only.',
    );
  }

  /**
   * Lets `fn` check and remove uploaded documents under `applications/`: s3:GetObject (it reads the first bytes) and
   * s3:DeleteObject (a file that is not its declared type) on that prefix only, and kms:Decrypt through S3.
   */
  public grantUploadedFileCheck(fn: HouseFunction): void {
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:GetObject', 's3:DeleteObject'],
        resources: [this.bucket.arnForObjects(`${DOCUMENTS_PREFIX}*`)],
      }),
    );
    grantKeyViaService(this.key, fn, 's3', 'kms:Decrypt');
    fn.setConfig('DOCUMENTS_BUCKET', this.bucket.bucketName);
    acknowledge(
      fn.executionRole,
      `AwsSolutions-IAM5[Resource::${nagRef(this.bucket.node.defaultChild as CfnBucket, 'Arn')}/${DOCUMENTS_PREFIX}*]`,
      'each upload event names one object applications/<applicationId>/<documentId>, any document of any application; GetObject (its first bytes) and DeleteObject only, on that prefix only.',
    );
  }

  /**
   * Lets `fn` sign PUT URLs for objects under `applications/`, and nothing else: s3:PutObject on that prefix, and
   * kms:GenerateDataKey on the data key through S3 (the uploader's credentials are the signer's, and S3 encrypts
   * the object with the bucket's key).
   */
  public grantUpload(fn: HouseFunction): void {
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`${DOCUMENTS_PREFIX}*`)],
      }),
    );
    grantKeyViaService(this.key, fn, 's3', 'kms:GenerateDataKey');
    fn.setConfig('DOCUMENTS_BUCKET', this.bucket.bucketName);
    acknowledge(
      fn.executionRole,
      `AwsSolutions-IAM5[Resource::${nagRef(this.bucket.node.defaultChild as CfnBucket, 'Arn')}/${DOCUMENTS_PREFIX}*]`,
      'pre-signed upload URLs are issued for new object keys applications/<applicationId>/<documentId>, which do not exist before the request; the grant is PutObject only, on that prefix only.',
    );
  }
}

/** Contracts live beside the documents, under their own prefix (the upload notification only watches applications/). */
const CONTRACTS_PREFIX = 'contracts/';
