// The applications context's ports: applications and their customers, idempotency records, products, documents and
// the loan pipeline that runs each application.

import type { Application, ApplicationDocument } from './application';
import type { AuditEntry, AuditEvent } from '../kernel/audit';
import type { ApplicationStatus } from './lifecycle';
import type { Product } from './products';
import type { Page } from '../kernel/ports';
import type { Loan } from '../servicing/loan';
import type { DocumentRejectionReason } from './file-signature';

/** A person as the lender knows them: identity sealed, national ID only as a keyed hash. One per signed-in subject. */
export interface CustomerRecord {
  customerId: string;
  nationalIdHash: string;
  /** fullName, nationalId, dateOfBirth, phone, email, address: encrypted by the PiiProtector. */
  sealedIdentity: string;
  preferredLanguage: 'zh-CN' | 'en';
  customerType: string;
  updatedAt: string;
}

export interface NewApplicationWrite {
  application: Application;
  /** The applicant's latest details, written with the application (the newest application's details win). */
  customer: CustomerRecord;
  /** Stored with the application in one transaction so that a replay finds the first response. */
  idempotency: IdempotencyRecord;
  /** The first events of the audit chain (application.auditHead is where they end). */
  audit: AuditEvent[];
}

export interface ApplicationRepository {
  /**
   * Stores a new application, claims the person's open-application slot and records the idempotency response, all
   * or nothing. Throws ConflictError when the person already has an open application.
   */
  create(write: NewApplicationWrite): Promise<void>;
  get(applicationId: string): Promise<Application | undefined>;
  getCustomer(customerId: string): Promise<CustomerRecord | undefined>;
  listByOwner(ownerId: string, limit: number, cursor?: string, status?: ApplicationStatus): Promise<Page<Application>>;
  listAll(limit: number, cursor?: string, status?: ApplicationStatus): Promise<Page<Application>>;
  /**
   * Moves the application to `to` if its version is still the one read and the move is legal; releases the open-
   * application slot when `to` is an end state. Appends a `status.changed` audit event, then `audit`, in the same
   * write. Throws ConcurrentModificationError when the item changed meanwhile.
   */
  transition(input: {
    application: Application;
    to: ApplicationStatus;
    at: string;
    by: string;
    changes?: Partial<Pick<Application, 'failure' | 'assessment' | 'decision' | 'offer' | 'notified' | 'contractTaskToken' | 'acceptance' | 'sealedDisbursementAccount' | 'loanId' | 'disbursement' | 'pipelineExecution' | 'redrives' | 'documentsWait'>>;
    audit?: AuditEntry[];
    /**
     * A loan opened in the same transaction (the disbursement): the application is DISBURSED exactly when its loan
     * exists. ConflictError when a loan with that id exists already.
     */
    openLoan?: Loan;
  }): Promise<Application>;
  /** Changes fields without a status change and appends audit events, under the same optimistic lock. */
  annotate(input: {
    application: Application;
    at: string;
    changes?: Partial<Pick<Application, 'failure' | 'assessment' | 'decision' | 'offer' | 'notified' | 'contractTaskToken' | 'acceptance' | 'sealedDisbursementAccount' | 'loanId' | 'disbursement' | 'pipelineExecution' | 'redrives' | 'documentsWait'>>;
    audit: AuditEntry[];
  }): Promise<Application>;
  listAudit(applicationId: string): Promise<AuditEvent[]>;
  addDocument(applicationId: string, document: ApplicationDocument): Promise<void>;
  markDocumentReceived(applicationId: string, documentId: string, receivedAt: string): Promise<boolean>;
  /**
   * Moves a document from `from` (PENDING_UPLOAD or RECEIVED) to REJECTED with the reason. False (nothing changed)
   * when the document is not in `from` any more, or unknown.
   */
  markDocumentRejected(
    applicationId: string,
    documentId: string,
    change: { from: 'PENDING_UPLOAD' | 'RECEIVED'; rejectedAt: string; reason: DocumentRejectionReason },
  ): Promise<boolean>;
  listDocuments(applicationId: string): Promise<ApplicationDocument[]>;
}

export interface IdempotencyRecord {
  ownerId: string;
  key: string;
  requestHash: string;
  response: { statusCode: number; body: unknown };
  createdAt: string;
  expiresAtEpochSeconds: number;
}

export interface IdempotencyStore {
  get(ownerId: string, key: string): Promise<IdempotencyRecord | undefined>;
}

export interface ProductRepository {
  get(productId: string): Promise<Product | undefined>;
  list(): Promise<Product[]>;
  /** Creates or replaces a product. */
  put(product: Product): Promise<void>;
  /** Adds each product that is not there yet; never overwrites an edited one. Returns how many were added. */
  seed(products: readonly Product[]): Promise<number>;
}

/**
 * The loan pipeline's executions (Step Functions Standard in AWS). The first execution of an application is named by
 * its id, so a retried submit cannot start two; a re-drive starts another name (`<id>-r<n>`). Starting a name that
 * exists answers `{started: false}`; stopping one that does not exist is not an error.
 */
export interface PipelineExecutions {
  start(executionName: string, input: Record<string, unknown>): Promise<{ started: boolean }>;
  stop(executionName: string, cause: string): Promise<void>;
}

/** Answers the pipeline's waiting tasks (`.waitForTaskToken`); needs no state machine ARN, only the token. */
export interface TaskTokens {
  /**
   * Resumes a task waiting with `.waitForTaskToken`. Throws TaskTokenGoneError when the token is no longer waiting
   * (answered already, timed out, execution stopped).
   */
  sendTaskSuccess(taskToken: string, output: Record<string, unknown>): Promise<void>;
  /** Fails a waiting task with `error` (matched by the state's Retry/Catch). Throws TaskTokenGoneError likewise. */
  sendTaskFailure(taskToken: string, error: string, cause: string): Promise<void>;
}

/** Both halves, as one runner (the local stack's) implements them. */
export type Workflow = PipelineExecutions & TaskTokens;

/** What a function that only reads applications may do with them. */
export type ApplicationReader = Pick<ApplicationRepository, 'get' | 'getCustomer' | 'listByOwner' | 'listAll' | 'listAudit' | 'listDocuments'>;

/** What a function that only reads products may do with them. */
export type ProductCatalog = Pick<ProductRepository, 'get' | 'list'>;

export interface UploadTarget {
  uploadUrl: string;
  expiresAt: string;
  objectKey: string;
}

/** The uploaded objects themselves (the documents bucket under applications/). */
export interface UploadedFiles {
  /** The object's first `bytes` bytes (all of it if shorter), or undefined when there is no such object. */
  readHead(objectKey: string, bytes: number): Promise<Uint8Array | undefined>;
  /** Deletes the object; deleting one that is gone is not an error. */
  remove(objectKey: string): Promise<void>;
}

export interface DocumentStorage {
  /** A URL that accepts exactly one PUT of the declared content type and size until it expires. */
  createUploadUrl(input: { objectKey: string; contentType: string; sizeBytes: number; expiresInSeconds: number }): Promise<UploadTarget>;
}

