// Seeds the default loan products (PRODUCT.md §3) on the first deploy: a CloudFormation custom resource whose
// provider (aws-cdk-lib/custom-resources) invokes the seed-products Lambda on create and update. The handler only
// adds products that are missing, so products an admin has edited are left alone.

import { CustomResource, Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Provider } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { HouseFunction } from './house-function';
import { acknowledge, nagRef } from './nag';
import { traceActively } from './tracing';

export interface ProductSeedProps {
  readonly logRemovalPolicy: RemovalPolicy;
  /** Change it to run the seed again on the next deploy (an update event). @default '1' */
  readonly revision?: string;
}

export class ProductSeed extends Construct {
  public readonly seedFunction: HouseFunction;
  public readonly provider: Provider;
  public readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: ProductSeedProps) {
    super(scope, id);

    this.seedFunction = new HouseFunction(this, 'SeedProductsFunction', {
      handlerName: 'seed-products',
      description: 'custom resource: seeds the default loan products',
      timeout: Duration.seconds(30),
      logRemovalPolicy: props.logRemovalPolicy,
    });

    // The provider framework's own Lambda gets a role that may write its log group and nothing else built in (no
    // AWSLambdaBasicExecutionRole); the Provider adds the permission to invoke the seed function.
    const providerLogGroup = new LogGroup(this, 'ProviderLogGroup', {
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: props.logRemovalPolicy,
    });
    const frameworkRole = new Role(this, 'ProviderRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'custom resource provider framework of the product seed',
    });
    providerLogGroup.grantWrite(frameworkRole);
    this.provider = new Provider(this, 'Provider', {
      onEventHandler: this.seedFunction,
      logGroup: providerLogGroup,
      frameworkOnEventRole: frameworkRole,
    });
    // The framework's Lambda is traced like every other function of the stack.
    const frameworkFunction = this.provider.node.findChild('framework-onEvent');
    traceActively(frameworkFunction.node.defaultChild!, frameworkRole);
    acknowledge(
      frameworkRole,
      `AwsSolutions-IAM5[Resource::${nagRef(this.seedFunction.node.defaultChild as CfnFunction, 'Arn')}:*]`,
      'the Provider grants its framework Lambda lambda:InvokeFunction on the seed function through grantInvoke, which also covers that function\'s versions (ARN:*); it can invoke no other function.',
    );

    this.resource = new CustomResource(this, 'DefaultProducts', {
      serviceToken: this.provider.serviceToken,
      resourceType: 'Custom::MicroloanProductSeed',
      properties: { Revision: props.revision ?? '1' },
    });
  }
}
