// The fairness report (issue 12 item 6): approval rate, mean PD and bad rate by sex and age band, with each group's
// disparate-impact ratio against the four-fifths rule.

import { buildFairnessReport, decisionFairnessCounters, protectedGroupOf } from '../../../functions/core/reporting/fairness';
import { applicationDeltas, loanDeltas } from '../../../functions/core/reporting/aggregates';
import type { Application } from '../../../functions/core/applications/application';
import type { Loan } from '../../../functions/core/servicing/loan';

describe('protected groups', () => {
  it('reads sex from the national ID (17th digit: odd male, even female) and the age band on the day', () => {
    expect(protectedGroupOf('110105199003071239', '1990-03-07', '2026-12-04')).toEqual({ sex: 'male', ageBand: '36-45' });
    expect(protectedGroupOf('110105199003071247', '1990-03-07', '2026-03-06')).toEqual({ sex: 'female', ageBand: '26-35' });
    expect(protectedGroupOf('110105200001011228', '2000-01-01', '2026-01-01')).toEqual({ sex: 'female', ageBand: '26-35' });
    expect(protectedGroupOf('110105200001011228', '2000-01-01', '2025-12-31')).toEqual({ sex: 'female', ageBand: '18-25' });
  });
});

describe('the fairness figures', () => {
  const female = { sex: 'female', ageBand: '26-35' } as const;
  const male = { sex: 'male', ageBand: '36-45' } as const;
  const day = (dayName: string, ...decisions: [typeof female | typeof male, boolean, number][]) => {
    const counters: Record<string, number> = {};
    for (const [group, approved, pd] of decisions) {
      for (const [name, value] of Object.entries(decisionFairnessCounters(group, approved, pd))) counters[name] = (counters[name] ?? 0) + value;
    }
    return { day: dayName, counters, decisionSeconds: [] };
  };

  it('gives each group its approval rate, mean PD and bad rate, and flags a rate below four fifths of the best', () => {
    const report = buildFairnessReport({
      from: '2026-12-01',
      to: '2026-12-02',
      days: [
        day('2026-12-01', [female, true, 0.1], [female, true, 0.2], [female, false, 0.6], [female, true, 0.1]),
        day('2026-12-02', [male, true, 0.1], [male, false, 0.5], [male, false, 0.4], [male, false, 0.5]),
        day('2026-12-03', [male, true, 0.1]),
      ],
      portfolioNow: { 'fair#loans#sex:female': 10, 'fair#bad#sex:female': 1, 'fair#loans#sex:male': 4, 'fair#bad#sex:male': 1 },
    });
    expect(report.groups.sex).toEqual([
      { group: 'female', decided: 4, approved: 3, approvalRate: 0.75, meanPd: 0.25, loans: 10, bad: 1, badRate: 0.1, disparateImpact: 1, adverseImpact: false },
      { group: 'male', decided: 4, approved: 1, approvalRate: 0.25, meanPd: 0.375, loans: 4, bad: 1, badRate: 0.25, disparateImpact: 0.3333, adverseImpact: true },
    ]);
    expect(report.groups.ageBand.find((g) => g.group === '18-25')).toMatchObject({ decided: 0, approvalRate: null, disparateImpact: null, adverseImpact: false });
  });
});

describe('the fairness counters', () => {
  const group = { sex: 'female', ageBand: '26-35' } as const;
  const application = {
    applicationId: 'APP1',
    status: 'ASSESSING',
    createdAt: '2026-12-01T02:00:00.000Z',
    updatedAt: '2026-12-01T02:00:00.000Z',
    channel: 'app',
    productId: 'personal-consumer',
    protectedGroup: group,
    assessment: { pd: 0.123456 },
  } as unknown as Application;

  it('counts each decision for the applicant\'s groups, with its PD', () => {
    const decision = { outcome: 'APPROVED', decidedBy: 'policy', decidedAt: '2026-12-01T02:00:10.000Z', reasons: [] };
    const [delta] = applicationDeltas(application, { ...application, status: 'APPROVED', decision } as unknown as Application, 'Asia/Shanghai');
    expect(delta!.add).toMatchObject({
      'fair#decided#sex:female': 1,
      'fair#approved#sex:female': 1,
      'fair#pdMicros#sex:female': 123_456,
      'fair#decided#ageBand:26-35': 1,
    });
  });

  it('counts a loan for its groups when it opens, and as bad once when it first reaches 90+ days past due', () => {
    const loan = { loanId: 'L1', status: 'ACTIVE', currency: 'CNY', principalMinor: 100, disbursedAt: '2026-01-01T02:00:00.000Z', updatedAt: '2026-01-01T02:00:00.000Z', installments: [], protectedGroup: group } as unknown as Loan;
    const opened = loanDeltas({ loan, created: true }, 'Asia/Shanghai');
    expect(opened.deltas).toContainEqual({ shardOf: 'L1', add: { 'fair#loans#sex:female': 1, 'fair#loans#ageBand:26-35': 1 } });
    const late = { ...loan, countedAs: opened.countedAs, bucketHistory: [{ date: '2026-05-01', from: '61-90', to: '90+' }] } as unknown as Loan;
    const bad = loanDeltas({ loan: late }, 'Asia/Shanghai');
    expect(bad.deltas).toContainEqual({ shardOf: 'L1', add: { 'fair#bad#sex:female': 1, 'fair#bad#ageBand:26-35': 1 } });
    const again = { ...late, countedAs: bad.countedAs, bucketHistory: [...late.bucketHistory!, { date: '2026-06-01', from: '90+', to: '61-90' }, { date: '2026-07-01', from: '61-90', to: '90+' }] } as unknown as Loan;
    expect(loanDeltas({ loan: again }, 'Asia/Shanghai').deltas.filter((d) => Object.keys(d.add).some((k) => k.startsWith('fair#bad')))).toEqual([]);
  });
});
