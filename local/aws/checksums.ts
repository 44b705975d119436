// The checksums S3 accepts with an upload (x-amz-checksum-<algorithm>, base64 of the big-endian value), so the
// emulator refuses a body that does not match what the client declared, as S3 does (BadDigest).

import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';

export const CHECKSUM_ALGORITHMS = ['crc32', 'crc32c', 'crc64nvme', 'sha1', 'sha256'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

export function checksum(algorithm: ChecksumAlgorithm, data: Buffer): string {
  switch (algorithm) {
    case 'crc32':
      return uint32(crc32(data));
    case 'crc32c':
      return uint32(crc32c(data));
    case 'crc64nvme':
      return uint64(crc64nvme(data));
    case 'sha1':
      return createHash('sha1').update(data).digest('base64');
    case 'sha256':
      return createHash('sha256').update(data).digest('base64');
  }
}

/** The name S3 uses in its messages (`The CRC32 you specified did not match the calculated checksum.`). */
export function checksumLabel(algorithm: ChecksumAlgorithm): string {
  return { crc32: 'CRC32', crc32c: 'CRC32C', crc64nvme: 'CRC64NVME', sha1: 'SHA1', sha256: 'SHA256' }[algorithm];
}

/** The decoded length each algorithm's value must have. */
export function checksumLength(algorithm: ChecksumAlgorithm): number {
  return { crc32: 4, crc32c: 4, crc64nvme: 8, sha1: 20, sha256: 32 }[algorithm];
}

function uint32(value: number): string {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(value >>> 0);
  return buffer.toString('base64');
}

function uint64(value: bigint): string {
  const buffer = Buffer.alloc(8);
  buffer.writeBigUInt64BE(value);
  return buffer.toString('base64');
}

// CRC-32C (Castagnoli), reflected polynomial 0x82F63B78.
const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32c(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = (CRC32C_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

// CRC-64/NVME, reflected polynomial 0x9A6C9329AC4BC9B5.
const CRC64_TABLE = (() => {
  const table: bigint[] = [];
  const poly = 0x9a6c9329ac4bc9b5n;
  for (let n = 0n; n < 256n; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1n ? (c >> 1n) ^ poly : c >> 1n;
    table.push(c);
  }
  return table;
})();

export function crc64nvme(data: Buffer): bigint {
  const mask = 0xffffffffffffffffn;
  let crc = mask;
  for (const byte of data) crc = (CRC64_TABLE[Number((crc ^ BigInt(byte)) & 0xffn)] ?? 0n) ^ (crc >> 8n);
  return (crc ^ mask) & mask;
}

/**
 * The aws-chunked body the SDK sends for streams (`Content-Encoding: aws-chunked`): `<hex size>[;chunk-signature=…]`
 * CRLF data CRLF …, a zero-size chunk, then trailer headers (e.g. `x-amz-checksum-crc32:…`) and an empty line.
 * Chunk signatures are not verified.
 */
export function decodeAwsChunked(body: Buffer): { data: Buffer; trailers: Map<string, string> } | undefined {
  const chunks: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', offset);
    if (lineEnd < 0) return undefined;
    const sizeText = body.subarray(offset, lineEnd).toString('latin1').split(';')[0]?.trim() ?? '';
    if (!/^[0-9a-fA-F]+$/.test(sizeText)) return undefined;
    const size = parseInt(sizeText, 16);
    offset = lineEnd + 2;
    if (size === 0) break;
    if (offset + size > body.length) return undefined;
    chunks.push(body.subarray(offset, offset + size));
    offset += size;
    if (body.subarray(offset, offset + 2).toString('latin1') !== '\r\n') return undefined;
    offset += 2;
  }
  const trailers = new Map<string, string>();
  for (const line of body.subarray(offset).toString('latin1').split('\r\n')) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) return undefined;
    trailers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { data: Buffer.concat(chunks), trailers };
}
