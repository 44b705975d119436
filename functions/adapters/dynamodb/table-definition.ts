// The one definition of the single table's keys and indexes. The CDK table construct and the local stack's
// CreateTable both read it, so AWS and DynamoDB Local cannot drift apart. Access patterns:
//   application by id ............ PK=APP#<id>            SK=APP
//   documents of an application .. PK=APP#<id>            SK begins_with DOC#
//   audit trail of an application PK=APP#<id>            SK=AUDIT#<seq, 8 digits>   (hash-chained, append-only)
//   customer (sealed identity) .... PK=CUSTOMER#<subject>   SK=PROFILE
//   open application of a person .. PK=NATID#<keyed hash>  SK=OPEN
//   idempotency record ........... PK=IDEMP#<owner>#<key>  SK=IDEMP   (expires by TTL)
//   product by id ................ PK=PRODUCT#<id>        SK=PRODUCT
//   decision policy versions ..... PK=POLICY              SK=V#<version, 10 digits>   (never overwritten; the current
//                                  one is the newest: Query ScanIndexForward=false, Limit 1)
//   an owner's applications ....... GSI1 PK=OWNER#<owner>  SK=<createdAt>#<id>
//   all products ................. GSI1 PK=PRODUCTS        SK=<id>
//   applications by status ....... GSI2 PK=APPSTATUS#<s>   SK=<createdAt>#<id>
//   all applications (staff) ..... GSI3 PK=APPLICATIONS    SK=<createdAt>#<id>
//   reviewer by id ............... PK=REVIEWER#<id>       SK=REVIEWER   (openReviews: the workload counter)
//   reviewer email (unique) ...... PK=REVIEWEREMAIL#<sha256 of the lower-cased email>  SK=EMAIL
//   reviewers (by level) ......... GSI1 PK=REVIEWERS       SK=L<level>#<id>
//   review by id ................. PK=REVIEW#<id>         SK=REVIEW
//   reviews of an application .... PK=APP#<id>            SK begins_with REVIEW#   (pointers; the reviews by id)
//   review by task token ......... PK=REVIEWTOKEN#<sha256 of the token>  SK=TOKEN  (one review per token)
//   reviews needing attention .... GSI2 PK=REVIEWS#ATTENTION  SK=<next SLA instant>#<id>  (sparse: only pending
//                                  reviews and answers not yet delivered to the pipeline; the staff queue and the
//                                  review-SLA schedule read it, never the table)
//   loan by id ................... PK=LOAN#<id>           SK=LOAN   (installments inside; optimistic version)
//   repayments of a loan ......... PK=LOAN#<id>           SK=REPAY#<payment reference>   (one per reference: put
//                                  with attribute_not_exists in the same transaction as the loan's versioned write)
//   a customer's loans ........... GSI1 PK=OWNERLOANS#<owner>  SK=<disbursedAt>#<id>
//   loans owing something ........ GSI2 PK=LOANS#DUE      SK=<oldest unpaid due date>#<id>   (sparse: only ACTIVE
//                                  loans with an unpaid installment; a loan leaves it when closed; for the overdue
//                                  scan, which reads SK <= a date and so only what is due or overdue)
//   report counters of a day ..... PK=AGG                 SK=DAY#<YYYY-MM-DD, lender's day>#<shard 0-7>   (numbers
//                                  moved with ADD and the list decisionSeconds, in the same transaction as the
//                                  change they count; shard = hash of the application/review/loan id mod 8; `pf:*`
//                                  attributes are that day's changes to the portfolio gauges. The report reads a
//                                  range with one Query: SK BETWEEN DAY#<from> AND DAY#<to>#~)
//   portfolio gauges ............. PK=AGG                 SK=PORTFOLIO#<shard 0-7>   (active loans, outstanding
//                                  principal, loans and principal per delinquency bucket, now; Query begins_with)

export const TABLE_KEYS = { partitionKey: 'PK', sortKey: 'SK' } as const;

export const TTL_ATTRIBUTE = 'expiresAt';

export interface GlobalIndexDefinition {
  indexName: string;
  partitionKey: string;
  sortKey: string;
}

export const GLOBAL_INDEXES: readonly GlobalIndexDefinition[] = [
  { indexName: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK' },
  { indexName: 'GSI2', partitionKey: 'GSI2PK', sortKey: 'GSI2SK' },
  { indexName: 'GSI3', partitionKey: 'GSI3PK', sortKey: 'GSI3SK' },
];

/** Every key attribute is a string. */
export const KEY_ATTRIBUTE_TYPE = 'S' as const;
