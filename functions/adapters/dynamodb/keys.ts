// Every key the repositories use is built here, so the access patterns in table-definition.ts stay the only ones.

export const keys = {
  application: (applicationId: string) => ({ PK: `APP#${applicationId}`, SK: 'APP' }),
  applicationDocument: (applicationId: string, documentId: string) => ({ PK: `APP#${applicationId}`, SK: `DOC#${documentId}` }),
  applicationDocumentsPrefix: (applicationId: string) => ({ PK: `APP#${applicationId}`, SKPrefix: 'DOC#' }),
  auditEvent: (applicationId: string, seq: number) => ({ PK: `APP#${applicationId}`, SK: `AUDIT#${String(seq).padStart(8, '0')}` }),
  auditPrefix: 'AUDIT#',
  customer: (customerId: string) => ({ PK: `CUSTOMER#${customerId}`, SK: 'PROFILE' }),
  openApplication: (nationalIdHash: string) => ({ PK: `NATID#${nationalIdHash}`, SK: 'OPEN' }),
  idempotency: (ownerId: string, key: string) => ({ PK: `IDEMP#${ownerId}#${key}`, SK: 'IDEMP' }),
  product: (productId: string) => ({ PK: `PRODUCT#${productId}`, SK: 'PRODUCT' }),
  ownerIndex: (ownerId: string, createdAt: string, applicationId: string) => ({
    GSI1PK: `OWNER#${ownerId}`,
    GSI1SK: `${createdAt}#${applicationId}`,
  }),
  ownerPartition: (ownerId: string) => `OWNER#${ownerId}`,
  productsIndex: (productId: string) => ({ GSI1PK: 'PRODUCTS', GSI1SK: productId }),
  productsPartition: 'PRODUCTS',
  statusIndex: (status: string, createdAt: string, applicationId: string) => ({
    GSI2PK: `APPSTATUS#${status}`,
    GSI2SK: `${createdAt}#${applicationId}`,
  }),
  statusPartition: (status: string) => `APPSTATUS#${status}`,
  allApplicationsIndex: (createdAt: string, applicationId: string) => ({
    GSI3PK: 'APPLICATIONS',
    GSI3SK: `${createdAt}#${applicationId}`,
  }),
  allApplicationsPartition: 'APPLICATIONS',
};
