// Who is calling: the Cognito user pool of applicants and staff, the applicant app's client, and the staff groups
// whose names reach the handlers as the `cognito:groups` claim (roles reviewer, ops, admin; everyone is an applicant).
//
// Self sign-up is on: applicants are members of the public who register in the lender's web site or app (the channel
// verifies their identity, PRODUCT.md §2.2). It grants no staff rights: group membership is assigned by an
// administrator only, and the handlers check roles from the token.

import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  AccountRecovery,
  CfnUserPoolGroup,
  FeaturePlan,
  Mfa,
  StandardThreatProtectionMode,
  UserPool,
  UserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { acknowledge } from './nag';

/** The staff groups, with their precedence (lower wins when a user is in several). */
export const STAFF_GROUPS = [
  { name: 'admin', precedence: 0, description: 'Administrators: products, policy, reviewers' },
  { name: 'ops', precedence: 1, description: 'Operations and risk staff: repayments, reports, audit' },
  { name: 'reviewer', precedence: 2, description: 'Credit officers who review applications' },
] as const;

export interface IdentityProps {
  readonly retainData: boolean;
  /**
   * `plus` turns on Cognito threat protection (compromised-credential checks, adaptive authentication), which needs
   * the paid Plus feature plan; the default keeps the plan Cognito gives a new pool (context
   * `microloan:cognitoFeaturePlan`).
   */
  readonly featurePlan?: 'plus' | 'default';
}

export class Identity extends Construct {
  public readonly userPool: UserPool;
  public readonly applicantClient: UserPoolClient;

  constructor(scope: Construct, id: string, props: IdentityProps) {
    super(scope, id);
    const plus = props.featurePlan === 'plus';

    this.userPool = new UserPool(this, 'UserPool', {
      selfSignUpEnabled: true,
      signInAliases: { email: true },
      autoVerify: { email: true },
      keepOriginal: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      // TOTP only: SMS MFA would need SNS SMS, which the China regions do not offer.
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      signInCaseSensitive: false,
      deletionProtection: props.retainData,
      removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      ...(plus ? { featurePlan: FeaturePlan.PLUS, standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION } : {}),
    });

    this.applicantClient = this.userPool.addClient('ApplicantAppClient', {
      // A public client (web site, mobile app): no secret, SRP sign-in, refresh tokens revocable.
      generateSecret: false,
      authFlows: { userSrp: true },
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });

    for (const group of STAFF_GROUPS) {
      new CfnUserPoolGroup(this, `${group.name[0]!.toUpperCase()}${group.name.slice(1)}Group`, {
        userPoolId: this.userPool.userPoolId,
        groupName: group.name,
        description: group.description,
        precedence: group.precedence,
      });
    }

    acknowledge(
      this.userPool,
      'AwsSolutions-COG2',
      'MFA is optional (TOTP only) so that applicants, members of the public who sign up in the lender\'s app, can apply without an authenticator app; any user can enrol TOTP, and staff (reviewer/ops/admin, assigned by an administrator) are enrolled when their account is set up.',
    );
    if (!plus) {
      acknowledge(
        this.userPool,
        'AwsSolutions-COG8',
        'threat protection needs the paid Cognito Plus plan; a small lender opts in with context microloan:cognitoFeaturePlan=plus, which sets the Plus plan and full-function threat protection.',
      );
    }
  }
}
