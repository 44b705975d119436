// Application and document ids: ULIDs, so they sort by creation time and reveal nothing else.

import { ulid } from 'ulid';
import type { IdGenerator } from '../core/kernel/ports';

export const ulidIds: IdGenerator = { next: () => ulid() };
