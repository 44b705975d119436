// The SMS gateway for the HTTP SMS adapter's tests: a scripted HTTP server (test/support/scripted-http-server.ts)
// whose default answer is 202 accepted.

import { startScriptedServer, type Behaviour, type RecordedRequest, type ScriptedServer } from '../../support/scripted-http-server';

export type { Behaviour, RecordedRequest };
export type FakeSmsGateway = ScriptedServer;

export function startFakeSmsGateway(): Promise<FakeSmsGateway> {
  return startScriptedServer({
    defaultStatus: 202,
    defaultAnswer: (_request, count) => ({ status: 202, body: { id: `SMS-${count}`, status: 'accepted' } }),
  });
}
