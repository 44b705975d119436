// The house logger: Powertools JSON lines with the correlation keys, and PII masked in anything logged by mistake.

import { Logger } from '@aws-lambda-powertools/logger';
import {
  appendTaskKeys,
  createLogger,
  maskPii,
  PiiMaskingLogFormatter,
  sanitizeForLog,
} from '../../../functions/shared/logger';
import { nationalIdFor } from '../../support/applications';

/** Everything written to stdout/stderr while `run` runs, as lines (Powertools writes through process.stdout). */
async function captured(run: () => unknown): Promise<string[]> {
  const chunks: string[] = [];
  const out = process.stdout.write;
  const err = process.stderr.write;
  const record = (chunk: unknown) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  process.stdout.write = record as typeof process.stdout.write;
  process.stderr.write = record as typeof process.stderr.write;
  try {
    await run();
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
  return chunks.join('').split('\n').filter((line) => line.trim() !== '');
}

const NATIONAL_ID = nationalIdFor('1990-03-07', 123);
const NATIONAL_ID_X = (() => {
  // A valid ID whose check character is X (sequence chosen by search, so the test does not depend on a guess).
  for (let sequence = 100; sequence < 999; sequence++) {
    const id = nationalIdFor('1985-11-02', sequence);
    if (id.endsWith('X')) return id;
  }
  throw new Error('no ID with check character X');
})();

describe('maskPii', () => {
  it('masks CN national IDs, with a digit or X as check character', () => {
    expect(maskPii(`id ${NATIONAL_ID} here`)).toBe('id [national-id] here');
    expect(maskPii(`id=${NATIONAL_ID_X}`)).toBe('id=[national-id]');
    expect(maskPii(`id=${NATIONAL_ID_X.toLowerCase()}`)).toBe('id=[national-id]');
    expect(maskPii(`CN:${NATIONAL_ID}`)).toBe('CN:[national-id]');
  });

  it('masks phone numbers: E.164 (grouped or not) and CN mobile numbers', () => {
    expect(maskPii('call +8613800138000 now')).toBe('call [phone] now');
    expect(maskPii('call +86 138 0013 8000')).toBe('call [phone]');
    expect(maskPii('call +86-138-0013-8000')).toBe('call [phone]');
    expect(maskPii('+14155552671')).toBe('[phone]');
    expect(maskPii('sms to 13800138000.')).toBe('sms to [phone].');
    expect(maskPii('138 0013 8000 / 138-0013-8000')).toBe('[phone] / [phone]');
  });

  it('masks e-mail addresses', () => {
    expect(maskPii('to li.wei@example.com')).toBe('to [email]');
    expect(maskPii('<Li.Wei+loans@mail.example.com.cn>')).toBe('<[email]>');
  });

  it('leaves ids, amounts, dates and timestamps alone', () => {
    const safe = [
      '01JDX4Q5T8M3B6N7P8Q9R0S1T2',
      '3f6c1b7e-9a41-4c0e-8a37-2d1c5b6e7f80',
      'Root=1-67a1b2c3-13800138000abcdef0123456',
      '8000.00 CNY over 12 months',
      '2026-11-29T08:00:00.000+08:00',
      '1990-03-07',
      'bank-ref-0001',
      'reviewed at level 2 (round 1)',
      '1764403200000',
    ];
    for (const text of safe) expect(maskPii(text)).toBe(text);
  });
});

describe('sanitizeForLog', () => {
  it('redacts PII keys and masks PII-looking values at any depth, keeping the structure', () => {
    const value = {
      applicationId: '01APP',
      applicant: { fullName: 'Li Wei', nationalId: NATIONAL_ID, phone: '+8613800138000', email: 'li.wei@example.com', address: { line1: '1 Example Rd' } },
      disbursementAccount: { bankName: 'Sandbox Bank', accountNumber: '6222020012345678', holderName: 'Li Wei' },
      notes: [`called 13800138000 about ${NATIONAL_ID}`, { contact: 'li.wei@example.com' }],
      amountMinor: 800_000,
      mobileAsNumber: 13800138000,
      when: new Date('2026-11-29T08:00:00Z'),
    };
    expect(sanitizeForLog(value)).toEqual({
      applicationId: '01APP',
      applicant: { fullName: '[redacted]', nationalId: '[redacted]', phone: '[redacted]', email: '[redacted]', address: '[redacted]' },
      disbursementAccount: { bankName: 'Sandbox Bank', accountNumber: '[redacted]', holderName: '[redacted]' },
      notes: ['called [phone] about [national-id]', { contact: '[email]' }],
      amountMinor: 800_000,
      mobileAsNumber: '[phone]',
      when: new Date('2026-11-29T08:00:00Z'),
    });
  });

  it('masks errors (message, stack and cause) and survives circular references', () => {
    const cause = new Error(`lookup of ${NATIONAL_ID} failed`);
    const error = new Error('could not notify li.wei@example.com', { cause });
    const circular: Record<string, unknown> = { name: 'loop' };
    circular.self = circular;
    const text = JSON.stringify(sanitizeForLog({ error, circular }));
    expect(text).not.toContain(NATIONAL_ID);
    expect(text).not.toContain('li.wei@example.com');
    expect(text).toContain('could not notify [email]');
    expect(text).toContain('lookup of [national-id] failed');
    expect(JSON.parse(text).circular).toEqual({ name: 'loop', self: '[Circular]' });
  });
});

describe('the house logger', () => {
  it('writes Powertools JSON lines with PII masked in the message, the keys and the extra attributes', async () => {
    const logger = createLogger('test-service');
    const lines = await captured(() => {
      logger.appendKeys({ applicationId: '01APP', contact: '+8613800138000' });
      logger.setCorrelationId('req-123');
      logger.info(`application of ${NATIONAL_ID} received`, { applicant: { fullName: 'Li Wei', email: 'li.wei@example.com' }, note: 'mail li.wei@example.com' });
      logger.error('notification failed', new Error('SNS refused 13800138000'));
    });
    expect(lines).toHaveLength(2);
    const [info, error] = lines.map((line) => JSON.parse(line) as Record<string, any>);
    expect(info).toMatchObject({
      level: 'INFO',
      message: 'application of [national-id] received',
      service: 'test-service',
      applicationId: '01APP',
      contact: '[phone]',
      correlation_id: 'req-123',
      applicant: { fullName: '[redacted]', email: '[redacted]' },
      note: 'mail [email]',
    });
    expect(typeof info!.timestamp).toBe('string');
    expect(error).toMatchObject({ level: 'ERROR', message: 'notification failed', error: { name: 'Error', message: 'SNS refused [phone]' } });
    const all = lines.join('\n');
    for (const secret of [NATIONAL_ID, '+8613800138000', '13800138000', 'li.wei@example.com', 'Li Wei']) expect(all).not.toContain(secret);
  });

  it('masks in child loggers too (the local stack gives each handler one)', async () => {
    const child = createLogger().createChild();
    const lines = await captured(() => child.warn('retrying', { to: 'li.wei@example.com', detail: `for ${NATIONAL_ID_X}` }));
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'WARN', to: '[redacted]', detail: 'for [national-id]' });
  });

  it('is usable as the formatter of any Powertools logger', async () => {
    const logger = new Logger({ serviceName: 'other', logFormatter: new PiiMaskingLogFormatter() });
    const lines = await captured(() => logger.info('hello +8613800138000'));
    expect(JSON.parse(lines[0]!)).toMatchObject({ message: 'hello [phone]', service: 'other' });
  });
});

describe('appendTaskKeys', () => {
  it('sets applicationId, executionName and the correlation id, and forgets the previous invocation\'s keys', async () => {
    const logger = createLogger();
    const lines = await captured(() => {
      appendTaskKeys(logger, { applicationId: '01A', executionName: '01A', correlationId: 'req-a' }, { reviewLevel: '1' });
      logger.info('first');
      appendTaskKeys(logger, { applicationId: '01B' });
      logger.info('second');
    });
    const [first, second] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(first).toMatchObject({ applicationId: '01A', executionName: '01A', correlation_id: 'req-a', reviewLevel: '1' });
    expect(second).toMatchObject({ applicationId: '01B' });
    expect(second).not.toHaveProperty('executionName');
    expect(second).not.toHaveProperty('correlation_id');
    expect(second).not.toHaveProperty('reviewLevel');
  });
});
