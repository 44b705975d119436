// The check of an uploaded file's first bytes against its declared type (functions/core/applications/file-signature.ts).

import { FILE_SIGNATURE_BYTES, detectFileType, matchesDeclaredType } from '../../../functions/core/applications/file-signature';

const bytes = (...values: number[]) => new Uint8Array(values);
const text = (value: string) => new Uint8Array(Buffer.from(value, 'latin1'));

const PDF = text('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n');
const JPEG = bytes(0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46);
const PNG = bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d);

describe('file signatures', () => {
  it('reads no more than 16 bytes', () => {
    expect(FILE_SIGNATURE_BYTES).toBe(16);
  });

  it('recognises PDF (%PDF-), JPEG (FF D8 FF) and PNG (89 50 4E 47 0D 0A 1A 0A) by their first bytes', () => {
    expect(detectFileType(PDF)).toBe('application/pdf');
    expect(detectFileType(JPEG)).toBe('image/jpeg');
    expect(detectFileType(PNG)).toBe('image/png');
  });

  it('recognises nothing else: HTML, text, a truncated signature, an empty file', () => {
    expect(detectFileType(text('<!DOCTYPE html><html>'))).toBeUndefined();
    expect(detectFileType(text('%PDF'))).toBeUndefined();
    expect(detectFileType(text(' %PDF-1.7'))).toBeUndefined();
    expect(detectFileType(bytes(0xff, 0xd8))).toBeUndefined();
    expect(detectFileType(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a))).toBeUndefined();
    expect(detectFileType(bytes())).toBeUndefined();
  });

  it('matches a file only with the type it was declared as', () => {
    expect(matchesDeclaredType(PDF, 'application/pdf')).toBe(true);
    expect(matchesDeclaredType(JPEG, 'image/jpeg')).toBe(true);
    expect(matchesDeclaredType(PNG, 'image/png')).toBe(true);
    expect(matchesDeclaredType(text('<html><body>pay here</body></html>'), 'application/pdf')).toBe(false);
    expect(matchesDeclaredType(PNG, 'image/jpeg')).toBe(false);
    expect(matchesDeclaredType(PDF, 'image/png')).toBe(false);
    expect(matchesDeclaredType(PDF, 'text/html')).toBe(false);
  });
});
