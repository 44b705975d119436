// What an uploaded file is, from its first bytes (its "magic number"), and whether that is the type it was declared
// as. The upload URL fixes the declared content type, but not what the bytes are: an HTML page PUT as application/pdf
// is stored all the same. The document-uploaded step reads these bytes and refuses a file that is not what it says.

/** The document types an applicant may upload (application-schema.ts documentUploadRequestSchema). */
export type DocumentContentType = 'application/pdf' | 'image/jpeg' | 'image/png';

/** How many leading bytes are read: more than the longest signature below. */
export const FILE_SIGNATURE_BYTES = 16;

const SIGNATURES: readonly { type: DocumentContentType; bytes: readonly number[] }[] = [
  { type: 'application/pdf', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] }, // "%PDF-"
  { type: 'image/jpeg', bytes: [0xff, 0xd8, 0xff] },
  { type: 'image/png', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
];

/** The document type whose signature the file starts with, or undefined for anything else. */
export function detectFileType(head: Uint8Array): DocumentContentType | undefined {
  return SIGNATURES.find(({ bytes }) => bytes.length <= head.length && bytes.every((byte, i) => head[i] === byte))?.type;
}

/** Whether the file's first bytes are the signature of the type it was declared as. */
export function matchesDeclaredType(head: Uint8Array, declaredContentType: string): boolean {
  const detected = detectFileType(head);
  return detected !== undefined && detected === declaredContentType.trim().toLowerCase();
}

/** Why a document was refused after its upload. */
export type DocumentRejectionReason = 'file_signature_mismatch';
