// The overdue scan's cost against the portfolio's size (issue 6): a portfolio of `totalLoans` loans in DynamoDB Local,
// of which `dueLoans` have an installment due within the scan's look-ahead or unpaid past due; the rest are paid up
// to date with their next installment weeks away. The real scan (functions/core/servicing/overdue-scan.ts) runs over the real
// repositories; a middleware on the DynamoDB client counts the items DynamoDB reads for it (Query: ScannedCount,
// GetItem: 1 when found) and the writes. Seeding is not measured.

import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createApplicationRepository } from '../functions/adapters/dynamodb/application-repository';
import { createDocumentClient } from '../functions/adapters/dynamodb/client';
import { keys } from '../functions/adapters/dynamodb/keys';
import { createLoanRepository, loanItem } from '../functions/adapters/dynamodb/loan-repository';
import { createPolicyRepository } from '../functions/adapters/dynamodb/policy-repository';
import { createPiiProtector } from '../functions/adapters/pii/aes-pii-protector';
import { addDays, addMonths } from '../functions/core/lending-math/calendar-days';
import { createLoan, type Loan } from '../functions/core/servicing/loan';
import { runOverdueScan } from '../functions/core/servicing/overdue-scan';
import { DEFAULT_POLICY } from '../functions/core/decisioning/policy';
import type { Notification } from '../functions/core/kernel/ports';
import { lenderTimeZone } from '../lib/context';
import { createLowLevelClient, createTable, LOCAL_CREDENTIALS, LOCAL_REGION, startDynamoDbLocal } from '../local/dynamodb';

const TODAY = '2027-03-15';
const NOW = new Date('2027-03-15T02:00:00Z'); // 10:00 in Shanghai: outside quiet hours
const TABLE = 'microloan-bench-overdue';

/** A 12-month loan of 12,000.00 CNY disbursed on `disbursed`, with the installments due before `paidBefore` paid. */
function loanFor(index: number, disbursed: string, paidBefore: string): Loan {
  const schedule = Array.from({ length: 12 }, (_, i) => ({
    n: i + 1,
    dueDate: addMonths(disbursed, i + 1),
    principalMinor: 100_000,
    interestMinor: 10_000,
    feesMinor: 0,
    totalMinor: 110_000,
    outstandingAfterMinor: 100_000 * (11 - i),
  }));
  const loan = createLoan({
    loanId: `LNBENCH${String(index).padStart(8, '0')}`,
    applicationId: `BENCH${String(index).padStart(8, '0')}`,
    ownerId: `bench-owner-${index % 1000}`,
    productId: 'personal-consumer',
    currency: 'CNY',
    principalMinor: 1_200_000,
    annualRatePercent: '12',
    disbursedAt: `${disbursed}T02:00:00.000Z`,
    disbursementDate: disbursed,
    schedule,
    at: `${disbursed}T02:00:00.000Z`,
  });
  for (const installment of loan.installments) {
    if (installment.dueDate >= paidBefore) break;
    installment.paid = { ...installment.due };
    installment.settledOn = installment.dueDate;
  }
  return loan;
}

async function writeAll(doc: DynamoDBDocumentClient, items: Record<string, unknown>[]): Promise<void> {
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  let next = 0;
  const worker = async () => {
    for (let batch = batches[next++]; batch; batch = batches[next++]) {
      let pending = batch.map((Item) => ({ PutRequest: { Item } }));
      while (pending.length > 0) {
        const result = await doc.send(new BatchWriteCommand({ RequestItems: { [TABLE]: pending } }));
        pending = (result.UnprocessedItems?.[TABLE] ?? []) as typeof pending;
      }
    }
  };
  await Promise.all(Array.from({ length: 6 }, worker));
}

export interface OverdueBenchResult {
  totalLoans: number;
  dueLoans: number;
  loansRead: number;
  itemsRead: number;
  itemsReadPerDueLoan: number;
  writes: number;
  remindersSent: number;
  scanMillis: number;
  seedSeconds: number;
}

export async function benchOverdueScan(totalLoans: number, dueLoans: number): Promise<OverdueBenchResult> {
  const dynamo = await startDynamoDbLocal({ inMemory: true });
  try {
    await createTable(createLowLevelClient(dynamo.endpoint), TABLE);
    const doc = createDocumentClient({ region: LOCAL_REGION, endpoint: dynamo.endpoint, credentials: { ...LOCAL_CREDENTIALS } });
    const pii = createPiiProtector(async () => 'bench-secret-bench-secret-bench-secret-0123');

    // Seed: every 1/share-th loan is due (its oldest unpaid installment between 40 days ago and 3 days ahead).
    const seedStarted = performance.now();
    const share = totalLoans / dueLoans;
    const items: Record<string, unknown>[] = [];
    const sealed = await pii.seal({ fullName: 'Bench Borrower', phone: '+8613800138000', email: 'bench@example.com' });
    for (let i = 0; i < totalLoans; i += 1) {
      const due = Math.floor(i % share) === 0;
      // Due: next due date from 40 days ago to 3 days ahead, unpaid. Not due: paid up, next due 10–25 days ahead.
      const nextDue = due ? addDays(TODAY, -40 + (i % 44)) : addDays(TODAY, 10 + (i % 16));
      const disbursed = addMonths(nextDue, -3);
      items.push(loanItem(loanFor(i, disbursed, nextDue)));
    }
    for (let owner = 0; owner < Math.min(1000, totalLoans); owner += 1) {
      items.push({
        ...keys.customer(`bench-owner-${owner}`),
        type: 'customer',
        customerId: `bench-owner-${owner}`,
        nationalIdHash: `hash-${owner}`,
        sealedIdentity: sealed,
        preferredLanguage: 'zh-CN',
        customerType: 'individual',
        updatedAt: NOW.toISOString(),
      });
    }
    await writeAll(doc, items);
    const seedSeconds = (performance.now() - seedStarted) / 1000;

    // Count what DynamoDB reads and writes for the scan.
    let itemsRead = 0;
    let writes = 0;
    doc.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        const output = result.output as { ScannedCount?: number; Item?: unknown; Responses?: Record<string, unknown[]> };
        const command = context.commandName ?? '';
        if (command === 'QueryCommand' || command === 'ScanCommand') itemsRead += output.ScannedCount ?? 0;
        else if (command === 'GetItemCommand' || command === 'GetCommand') itemsRead += output.Item ? 1 : 0;
        else if (/Put|Update|TransactWrite|BatchWrite/.test(command)) writes += 1;
        return result;
      },
      { step: 'initialize', name: 'countItems' },
    );
    const sent: Notification[] = [];
    const policies = createPolicyRepository(doc, TABLE, { now: () => NOW });
    await policies.seed(DEFAULT_POLICY);
    const deps = {
      loans: createLoanRepository(doc, TABLE, { timeZone: lenderTimeZone() }),
      applications: createApplicationRepository(doc, TABLE, { timeZone: lenderTimeZone() }),
      notifier: { publish: async (notification: Notification) => void sent.push(notification) },
      pii,
      clock: { now: () => NOW },
      policies,
    };
    itemsRead = 0;
    writes = 0;
    const started = performance.now();
    const result = await runOverdueScan(deps, { timeZone: lenderTimeZone() });
    const scanMillis = performance.now() - started;
    return {
      totalLoans,
      dueLoans: Math.ceil(totalLoans / share),
      loansRead: result.loansRead,
      itemsRead,
      itemsReadPerDueLoan: Number((itemsRead / result.loansRead).toFixed(3)),
      writes,
      remindersSent: sent.filter((n) => n.topic === 'applicant').length,
      scanMillis: Math.round(scanMillis),
      seedSeconds: Number(seedSeconds.toFixed(1)),
    };
  } finally {
    await dynamo.stop();
  }
}

// `npx tsx scripts/bench-overdue.ts` runs just this part.
if (import.meta.url === `file://${process.argv[1]}`) {
  const sizes = (process.env.BENCH_OVERDUE_SIZES ?? '100000,10000').split(',').map(Number);
  const due = Number(process.env.BENCH_OVERDUE_DUE ?? 1000);
  for (const total of sizes) console.log(await benchOverdueScan(total, due));
}
