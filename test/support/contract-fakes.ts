// In-memory stand-ins for the contract store and the core bank, for fast handler and use-case tests.

import { contractObjectKey, contractSha256, type ContractStore } from '../../functions/core/contracting/contract';
import { createSandboxCoreBanking } from '../../functions/adapters/core-banking/sandbox-core-banking';
import type { Clock } from '../../functions/core/kernel/ports';

export class InMemoryContractStore implements ContractStore {
  readonly texts = new Map<string, string>();
  readonly links: { objectKey: string; expiresInSeconds: number }[] = [];
  /** Makes the next put fail (a storage outage). */
  failNextPut = false;

  async put(applicationId: string, contractId: string, text: string) {
    if (this.failNextPut) {
      this.failNextPut = false;
      throw new Error('S3 unavailable');
    }
    const objectKey = contractObjectKey(applicationId, contractId);
    this.texts.set(objectKey, text);
    return { objectKey, sha256: contractSha256(text) };
  }

  async link(objectKey: string, expiresInSeconds: number) {
    this.links.push({ objectKey, expiresInSeconds });
    return `https://contracts.test/${objectKey}?expires=${expiresInSeconds}&sig=x`;
  }
}

export function fakeContractDeps(clock?: Clock) {
  return {
    contracts: new InMemoryContractStore(),
    coreBanking: createSandboxCoreBanking(clock ? { clock } : {}),
  };
}
