// The credit bureau for the HTTP adapter's tests: a scripted HTTP server (test/support/scripted-http-server.ts) whose
// default answer is a valid report echoing the request's reference.

import type { WireReport } from '../../../functions/adapters/bureau/http-bureau';
import { startScriptedServer, type Behaviour, type RecordedRequest, type ScriptedServer } from '../../support/scripted-http-server';

export type { Behaviour, RecordedRequest };
export type FakeBureau = ScriptedServer;

/** A valid 200 body for a request, echoing its reference. */
export function wireReport(reference: string, overrides: Omit<Partial<WireReport>, 'file'> & { file?: Partial<WireReport['file']> } = {}): WireReport {
  const { file, ...rest } = overrides;
  return {
    report_id: `CRR-${reference}`,
    reference,
    file: {
      credit_history: 'PAID_DULY_TILL_NOW',
      open_credit_lines: 2,
      monthly_obligations: { amount_minor: 120_000, currency: 'CNY' },
      max_dpd_24m: 0,
      in_default: false,
      hard_inquiries_6m: 1,
      accounts_in_arrears: 0,
      arrears: { amount_minor: 0, currency: 'CNY' },
      revolving_utilisation: 0.35,
      ...file,
    },
    alerts: [],
    score: { value: 712 },
    ...rest,
  };
}

const echoReport = (request: RecordedRequest) => wireReport(String(request.body.reference));

export function startFakeBureau(): Promise<FakeBureau> {
  return startScriptedServer({ defaultStatus: 200, defaultAnswer: () => ({ status: 200, body: echoReport }) });
}

export { echoReport };
