// cdk-nag 3 (AwsSolutions) over the whole app: zero unacknowledged findings, every acknowledgement with a reason.
//
// How cdk-nag 3 reports: the pack is a policy validation plugin (Validations.of(app).addPlugins). At synth, CDK runs
// it and, if its report is not a success, throws a ValidationFailed error that carries the report (in-memory apps,
// as in jest) or prints the report and fails (`cdk synth`). A finding acknowledged with
// Validations.of(construct).acknowledge({ id, reason }) on the resource or an ancestor is left out of the report.
// The pack's report counts warnings as failures too, so "zero findings" means zero errors and zero warnings.

import { App, Stack, Validations } from 'aws-cdk-lib';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { buildTestApp, removeAssemblies, temporaryOutdir } from './support';

/** Every acknowledgement recorded in the tree: rule id, reason and where. */
function acknowledgements(root: IConstruct): { id: string; reason: string; path: string }[] {
  const found: { id: string; reason: string; path: string }[] = [];
  for (const construct of root.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || !entry.data) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        found.push({ id: id.replace(/^annotation::/i, ''), reason, path: construct.node.path });
      }
    }
  }
  return found;
}

/** Logical ids inside finding ids (`<DataTableFDBAD0F2.Arn>`) vary with construct paths; compare them as `<ref>`. */
function normalise(id: string): string {
  return id.replace(/<[A-Za-z0-9]+\.(Arn|Name)>/g, '<ref.$1>');
}

describe('cdk-nag AwsSolutions', () => {
  let app: App;

  beforeAll(() => {
    ({ app } = buildTestApp());
  }, 180_000);

  afterAll(removeAssemblies);

  test('the app synthesizes with the AwsSolutions plugin: no unacknowledged error or warning', () => {
    expect(() => app.synth()).not.toThrow();
    // The same pack, run directly over the synthesized tree, reports nothing left over.
    const report = new AwsSolutionsChecks().validateScope(app);
    const leftOver = report.violations.map((v) => `${v.severity} ${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
    expect(leftOver).toEqual([]);
    expect(report.success).toBe(true);
  });

  test('every acknowledgement names one finding and gives a specific reason', () => {
    const acks = acknowledgements(app);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.id).toMatch(/^AwsSolutions-[A-Z]+[0-9]+(\[.+\])?$/);
      expect(ack.reason.length).toBeGreaterThanOrEqual(60);
    }
  });

  test('the acknowledged findings are exactly the reviewed ones', () => {
    const ids = [...new Set(acknowledgements(app).map((ack) => normalise(ack.id)))].sort();
    expect(ids).toEqual(
      [
        'AwsSolutions-APIG4',
        'AwsSolutions-COG2',
        'AwsSolutions-COG8',
        'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
        'AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
        'AwsSolutions-IAM5[Resource::*]',
        'AwsSolutions-IAM5[Resource::<ref.Arn>/applications/*]',
        'AwsSolutions-IAM5[Resource::<ref.Arn>/contracts/*]',
        'AwsSolutions-IAM5[Resource::<ref.Arn>/index/*]',
        'AwsSolutions-IAM5[Resource::<ref.Arn>:*]',
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:<ref.Name>:*]',
        'AwsSolutions-S1',
        'AwsSolutions-SMG4',
      ].sort(),
    );
  });

  test('a production stage on the Cognito Plus plan passes without the COG8 acknowledgement', () => {
    const { app: prod } = buildTestApp({
      'microloan:stage': 'prod',
      'microloan:opsEmail': 'ops@example.com',
      'microloan:cognitoFeaturePlan': 'plus',
    });
    expect(() => prod.synth()).not.toThrow();
    expect(new AwsSolutionsChecks().validateScope(prod).violations).toEqual([]);
    expect(acknowledgements(prod).map((ack) => ack.id)).not.toContain('AwsSolutions-COG8');
  }, 180_000);

  test('a finding that is not acknowledged fails the synth (control)', () => {
    const control = new App({ outdir: temporaryOutdir() });
    const stack = new Stack(control, 'Control');
    new Bucket(stack, 'Plain'); // no access logs, no TLS-only policy
    Validations.of(control).addPlugins(new AwsSolutionsChecks(control));
    let message = '';
    try {
      control.synth();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/ValidationFailed|AwsSolutions/);
    expect(message).toMatch(/AwsSolutions-S1\b/); // server access logs
    expect(message).toMatch(/AwsSolutions-S10\b/); // TLS-only bucket policy
  });
});
