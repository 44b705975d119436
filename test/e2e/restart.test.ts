// A restart loses nothing: `npm start` in its own process group with applications in flight (approvals, contracts,
// payouts, a two-level review by the links, a decline, a withdrawal), the whole group killed with SIGKILL, `npm start`
// again on the same data: every execution continues from where its application stands. (The full drill, 100
// applications with SIGKILL and with Ctrl-C: `npm run drill:restart`.)

import { runRestartDrill } from '../../scripts/restart-drill';

it('continues every application after SIGKILL: none stuck, every applicant told, every contract paid once, no stray loan', async () => {
  const report = await runRestartDrill({
    applications: 10,
    kinds: ['auto', 'auto', 'auto', 'review2', 'auto', 'declined', 'auto', 'withdraw', 'review1', 'neverAccept'],
    signal: 'SIGKILL',
    settleMs: 3_000,
    // A busy machine gets all the time it needs; a quiet one is done in well under a minute.
    maxDriveMs: 600_000,
  });
  expect(report.executionsContinued).toBeGreaterThan(0);
  expect(report.stuck).toEqual([]);
  expect(report.untold).toEqual([]);
  expect(report.notPaidOnce).toEqual([]);
  expect(report.loansWithoutDisbursal).toEqual([]);
  expect(report.decisionsLost).toEqual([]);
  expect(report.failed).toEqual([]);
  // Seven meant to borrow (five automatic approvals, a one- and a two-level review) and did; the rest ended as they should.
  expect(report.after).toEqual({ DISBURSED: 7, DECLINED: 1, WITHDRAWN: 1, APPROVED: 1 });
}, 900_000);
