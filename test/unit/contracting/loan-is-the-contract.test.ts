// The loan is the contract (issue 11, items 1–4): the terms are fixed with the approval and recorded with the contract;
// the loan is opened from them on the payout day, whatever the product became; the approval is never visible without
// its contract; an applicant whose payout fails after acceptance is told.

import { createHandler as createSubmit } from '../../../functions/handlers/submit-application';
import { createHandler as createResume } from '../../../functions/handlers/pipeline-resume';
import { createHandler as createScore } from '../../../functions/handlers/pipeline-score';
import { createHandler as createDecide } from '../../../functions/handlers/pipeline-decide';
import { createHandler as createPrepare } from '../../../functions/handlers/pipeline-prepare-contract';
import { createHandler as createAccept } from '../../../functions/handlers/accept-contract';
import { createHandler as createDisburse } from '../../../functions/handlers/pipeline-disburse';
import { createHandler as createRecordFailure } from '../../../functions/handlers/pipeline-record-failure';
import { createHandler as createQuery } from '../../../functions/handlers/query-applications';
import { SANDBOX_ACCOUNTS } from '../../../functions/adapters/core-banking/sandbox-core-banking';
import { addMonths } from '../../../functions/core/lending-math/calendar-days';
import { fakeDeps } from '../../support/fakes';
import { httpEvent, lambdaContext, parse } from '../../support/events';
import { validApplication } from '../../support/applications';

type Deps = ReturnType<typeof fakeDeps>;

const ACCOUNT = { bankName: 'Example Bank', accountNumber: '6222 0212 3456 7890 123', holderName: 'Li Wei' };
const DAY = 86_400_000;

/** An application auto-approved by the policy (band A, 8,000 CNY over 12 months). */
async function approved(deps: Deps, account = ACCOUNT): Promise<string> {
  deps.scorer.result = 750;
  const result = await createSubmit(deps)(
    httpEvent({
      method: 'POST',
      routePath: '/v1/applications',
      headers: { 'idempotency-key': `loan-contract-${Math.random()}` },
      body: validApplication({ disbursementAccount: account }),
      sub: 'alice',
    }),
    lambdaContext,
  );
  expect(result.statusCode).toBe(202);
  const applicationId = parse(result).applicationId as string;
  await createResume(deps)({ applicationId });
  await createScore(deps)({ applicationId });
  expect(await createDecide(deps)({ applicationId })).toMatchObject({ status: 'APPROVED' });
  return applicationId;
}

async function accept(deps: Deps, applicationId: string): Promise<void> {
  await createPrepare(deps)({ applicationId, taskToken: `token-${applicationId}` });
  const contract = deps.applications.applications.get(applicationId)!.offer!.contract!;
  const result = await createAccept(deps)(
    httpEvent({
      method: 'POST',
      routePath: '/v1/applications/{applicationId}/contract/accept',
      pathParameters: { applicationId },
      sub: 'alice',
      body: { contractSha256: contract.sha256 },
    }),
    lambdaContext,
  );
  expect(result.statusCode).toBe(200);
}

const view = async (deps: Deps, applicationId: string) =>
  parse(await createQuery(deps)(httpEvent({ method: 'GET', routePath: '/v1/applications/{applicationId}', pathParameters: { applicationId }, sub: 'alice' }), lambdaContext));

describe('the loan carries exactly the terms the applicant accepted', () => {
  it('opens 12 monthly installments, as contracted, although an admin made the product weekly after the approval', async () => {
    const deps = fakeDeps();
    const applicationId = await approved(deps);
    const contract = deps.applications.applications.get(applicationId)!.offer!.contract!;
    expect(contract.terms).toMatchObject({ numberOfInstallments: 12, frequency: 'monthly', method: 'equal_installments', annualRatePercent: '8.5' });

    const product = (await deps.products.get('personal-consumer'))!;
    await deps.products.put({ ...product, frequency: 'weekly', method: 'flat' });
    await accept(deps, applicationId);
    expect(await createDisburse(deps)({ applicationId })).toMatchObject({ status: 'DISBURSED' });

    const loan = deps.loans.loans.get(`LN${applicationId}`)!;
    expect(loan.installments).toHaveLength(12);
    expect(loan.installments.map((i) => i.dueDate)).toEqual(Array.from({ length: 12 }, (_, k) => addMonths(loan.disbursementDate, k + 1)));
    // The contract's method (an annuity), not the product's new flat one: equal totals but the last.
    const totals = new Set(loan.installments.slice(0, -1).map((i) => i.due.principal + i.due.interest));
    expect(totals.size).toBe(1);
    expect(loan.installments.reduce((sum, i) => sum + i.due.principal, 0)).toBe(800_000);
  });

  it('recomputes the schedule on the payout day by the contract\'s terms: accepted 6 days after the offer, interest runs from the payout', async () => {
    const deps = fakeDeps();
    const applicationId = await approved(deps);
    const contractText = deps.contracts.texts.get(deps.applications.applications.get(applicationId)!.offer!.contract!.objectKey)!;
    expect(contractText).toContain('The schedule below assumes disbursement on 2026-11-29. Interest runs from the actual disbursement date');
    expect(contractText).toContain('installment k falls due k repayment periods after the disbursement date');

    deps.clock.current = new Date(deps.clock.current.getTime() + 6 * DAY); // 2026-12-05
    await accept(deps, applicationId);
    await createDisburse(deps)({ applicationId });

    const loan = deps.loans.loans.get(`LN${applicationId}`)!;
    expect(loan.disbursementDate).toBe('2026-12-05');
    // A full month's interest (8,000.00 × 8.5 % / 12 = 56.67) for a first period that is a full month from the payout.
    expect(loan.installments[0]).toMatchObject({ dueDate: '2027-01-05', due: { interest: 5_667 } });
    expect(loan.installments.at(-1)!.dueDate).toBe('2027-12-05');

    // The applicant sees the final schedule: in the application view, and in the payout message.
    const shown = await view(deps, applicationId);
    expect(shown.disbursement).toMatchObject({
      disbursementDate: '2026-12-05',
      installments: 12,
      firstDueDate: '2027-01-05',
      lastDueDate: '2027-12-05',
      links: { schedule: `/v1/loans/LN${applicationId}/schedule` },
    });
    const paidOut = deps.notifier.sent.find((n) => n.attributes?.kind === 'disbursed' && n.channel === 'sms')!;
    expect(paidOut.body).toContain('2026-12-05');
    expect(paidOut.body).toContain('2027-01-05');
    const audit = await deps.applications.listAudit(applicationId);
    expect(audit.find((e) => e.action === 'disbursement.completed')!.details).toMatchObject({ disbursementDate: '2026-12-05', contractDisbursementDate: '2026-11-29', firstDueDate: '2027-01-05' });
  });
});

describe('an approval is visible only with its contract', () => {
  it('writes APPROVED, the offer and the contract in one write: the first read after the decision can accept', async () => {
    const deps = fakeDeps();
    const seen: { status: string; contract: boolean }[] = [];
    // Every state the repository ever held for the application is a state some reader could see.
    const transition = deps.applications.transition.bind(deps.applications);
    deps.applications.transition = async (input) => {
      const after = await transition(input);
      seen.push({ status: after.status, contract: Boolean(after.offer?.contract) });
      return after;
    };
    const annotate = deps.applications.annotate.bind(deps.applications);
    deps.applications.annotate = async (input) => {
      const after = await annotate(input);
      seen.push({ status: after.status, contract: Boolean(after.offer?.contract) });
      return after;
    };
    const applicationId = await approved(deps);
    expect(seen.filter((s) => s.status === 'APPROVED')).not.toHaveLength(0);
    expect(seen.filter((s) => s.status === 'APPROVED' && !s.contract)).toEqual([]);

    const shown = await view(deps, applicationId);
    expect(shown.status).toBe('APPROVED');
    expect(shown.offer.contract).toMatchObject({ sha256: expect.stringMatching(/^[0-9a-f]{64}$/), url: expect.any(String) });
    // The applicant is told once that the offer is made and its contract is ready.
    const told = deps.notifier.sent.filter((n) => n.attributes?.applicationId === applicationId && n.attributes?.kind === 'approved');
    expect(told.map((n) => n.channel)).toEqual(['sms', 'email']);
    expect(told[1]!.body).toContain('贷款合同已生成'); // the applicant's language (zh-CN)
  });
});

describe('an applicant whose payout fails after acceptance is told', () => {
  const closed = SANDBOX_ACCOUNTS.find((a) => a.scenario === 'account_closed')!.accountNumber;

  it('sends the failure in their language by SMS and e-mail, once, even when the failure step is retried', async () => {
    const deps = fakeDeps();
    const applicationId = await approved(deps, { ...ACCOUNT, accountNumber: closed });
    await accept(deps, applicationId);
    const error = await createDisburse(deps)({ applicationId }).catch((e: Error) => e);
    expect((error as Error).name).toBe('TransferRejectedError');

    const fail = createRecordFailure(deps);
    await fail({ applicationId, executionName: applicationId, error: { Error: 'TransferRejectedError' } });
    await fail({ applicationId, executionName: applicationId, error: { Error: 'TransferRejectedError' } });
    expect(deps.applications.applications.get(applicationId)!.status).toBe('FAILED');

    const told = deps.notifier.sent.filter((n) => n.attributes?.applicationId === applicationId && n.attributes?.kind === 'payout_failed');
    expect(told.map((n) => [n.channel, n.to])).toEqual([
      ['sms', '+8613800138000'],
      ['email', 'li.wei@example.com'],
    ]);
    expect(told[0]!.subject).toBe('您的贷款未能放款'); // the applicant's language (zh-CN)
    expect(told[0]!.body).toContain(applicationId);
  });

  it('tells them once that a payout whose outcome is unknown is late and being retried', async () => {
    const deps = fakeDeps();
    const applicationId = await approved(deps);
    await accept(deps, applicationId);
    const fail = createRecordFailure(deps);
    await fail({ step: 'payout-delayed', applicationId, error: { Error: 'CoreBankingUnavailableError' } });
    await fail({ step: 'payout-delayed', applicationId, error: { Error: 'CoreBankingUnavailableError' } });
    expect(deps.applications.applications.get(applicationId)!.status).toBe('ACCEPTED');
    expect(deps.notifier.sent.filter((n) => n.attributes?.kind === 'payout_delayed').map((n) => n.channel)).toEqual(['sms', 'email']);
  });

  it('does not tell the applicant of a failure before acceptance (operations handle it)', async () => {
    const deps = fakeDeps();
    const applicationId = await approved(deps);
    await createRecordFailure(deps)({ applicationId, error: { Error: 'States.TaskFailed' } });
    expect(deps.applications.applications.get(applicationId)!.status).toBe('FAILED');
    expect(deps.notifier.sent.filter((n) => n.attributes?.kind === 'payout_failed')).toEqual([]);
  });
});
