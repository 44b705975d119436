// Everything a handler may need from outside. Each handler's createHandler takes the Pick it uses; production wiring,
// the local stack and tests each build the parts with their own adapters.

import type { Logger } from '@aws-lambda-powertools/logger';
import type {
  ApplicationRepository,
  Clock,
  DocumentStorage,
  IdGenerator,
  IdempotencyStore,
  Notifier,
  PiiProtector,
  ProductRepository,
  Workflow,
} from '../core/ports';
import type { CreditBureau } from '../core/bureau';
import type { Scorer } from '../core/scoring';

export interface AppDeps {
  clock: Clock;
  ids: IdGenerator;
  applications: ApplicationRepository;
  idempotency: IdempotencyStore;
  products: ProductRepository;
  workflow: Workflow;
  notifier: Notifier;
  documents: DocumentStorage;
  pii: PiiProtector;
  bureau: CreditBureau;
  scorer: Scorer;
  logger: Logger;
  settings: { idempotencyTtlHours: number; uploadUrlTtlSeconds: number };
}
