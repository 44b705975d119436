// Malformed submissions and what the API must answer: a 4xx problem naming the field. Used by the handler tests and,
// over HTTP, by the e2e tests (which also check that nothing was stored).

import { nationalIdFor, validApplication, withValue } from './applications';

export interface MalformedCase {
  name: string;
  /** The JSON body, or the raw text when `raw` is set. */
  body?: Record<string, unknown>;
  raw?: string;
  contentType?: string;
  status: number;
  /** A field path that must appear in `errors[].path`. */
  path: string;
}

const long = (n: number) => 'x'.repeat(n);

export function malformedCases(): MalformedCase[] {
  const base = validApplication();
  const set = (path: string, value: unknown) => withValue(base, path, value);
  return [
    { name: 'invalid JSON', raw: '{"productId": "personal-consumer",', status: 400, path: 'body' },
    { name: 'empty body', raw: '', status: 400, path: 'body' },
    { name: 'JSON array instead of object', raw: '[]', status: 422, path: 'body' },
    { name: 'wrong content type', body: base, contentType: 'text/plain', status: 415, path: 'content-type' },
    { name: 'form content type', raw: 'productId=personal-consumer', contentType: 'application/x-www-form-urlencoded', status: 415, path: 'content-type' },
    { name: 'missing productId', body: set('productId', undefined), status: 422, path: 'productId' },
    { name: 'unknown product', body: set('productId', 'yacht-loan'), status: 422, path: 'productId' },
    { name: 'missing channel', body: set('channel', undefined), status: 422, path: 'channel' },
    { name: 'unknown channel', body: set('channel', 'fax'), status: 422, path: 'channel' },
    { name: 'customer type not the product\'s', body: set('customerType', 'farmer'), status: 422, path: 'customerType' },
    { name: 'missing applicant', body: set('applicant', undefined), status: 422, path: 'applicant' },
    { name: 'fullName empty', body: set('applicant.fullName', ''), status: 422, path: 'applicant.fullName' },
    { name: 'fullName oversize', body: set('applicant.fullName', long(101)), status: 422, path: 'applicant.fullName' },
    { name: 'fullName a number', body: set('applicant.fullName', 42), status: 422, path: 'applicant.fullName' },
    { name: 'national ID bad checksum', body: set('applicant.nationalId', '110105199003071238'), status: 422, path: 'applicant.nationalId' },
    { name: 'national ID too short', body: set('applicant.nationalId', '11010519900307'), status: 422, path: 'applicant.nationalId' },
    { name: 'national ID with letters', body: set('applicant.nationalId', '11010519900307ABCD'), status: 422, path: 'applicant.nationalId' },
    { name: 'national ID impossible birth date', body: set('applicant.nationalId', nationalIdFor('1990-02-30')), status: 422, path: 'applicant.nationalId' },
    { name: 'birth date does not match national ID', body: set('applicant.dateOfBirth', '1991-03-07'), status: 422, path: 'applicant.dateOfBirth' },
    { name: 'birth date not a date', body: set('applicant.dateOfBirth', '07/03/1990'), status: 422, path: 'applicant.dateOfBirth' },
    { name: 'phone not E.164', body: set('applicant.phone', '13800138000'), status: 422, path: 'applicant.phone' },
    { name: 'email invalid', body: set('applicant.email', 'li.wei-at-example.com'), status: 422, path: 'applicant.email' },
    { name: 'unknown language', body: set('applicant.preferredLanguage', 'fr'), status: 422, path: 'applicant.preferredLanguage' },
    { name: 'address line oversize', body: set('applicant.address.line1', long(201)), status: 422, path: 'applicant.address.line1' },
    { name: 'yearsAtAddress negative', body: set('applicant.address.yearsAtAddress', -1), status: 422, path: 'applicant.address.yearsAtAddress' },
    { name: 'unknown housing', body: set('household.housing', 'castle'), status: 422, path: 'household.housing' },
    { name: 'dependents fractional', body: set('household.dependents', 1.5), status: 422, path: 'household.dependents' },
    { name: 'unknown employment status', body: set('employment.status', 'astronaut'), status: 422, path: 'employment.status' },
    { name: 'income as a float', body: set('employment.monthlyIncome', { amount: 15000.5, currency: 'CNY' }), status: 422, path: 'employment.monthlyIncome.amount' },
    { name: 'income with three decimals', body: set('employment.monthlyIncome.amount', '15000.005'), status: 422, path: 'employment.monthlyIncome.amount' },
    { name: 'income negative', body: set('employment.monthlyIncome.amount', '-1.00'), status: 422, path: 'employment.monthlyIncome.amount' },
    { name: 'currency lower case', body: set('finances.monthlyDebtPayments.currency', 'cny'), status: 422, path: 'finances.monthlyDebtPayments.currency' },
    { name: 'unknown savings', body: set('finances.savings', 'lots'), status: 422, path: 'finances.savings' },
    { name: 'loan amount a number', body: set('loan.amount.amount', 8000), status: 422, path: 'loan.amount.amount' },
    { name: 'loan amount below the product', body: set('loan.amount.amount', '999.99'), status: 422, path: 'loan.amount.amount' },
    { name: 'loan amount above the product', body: set('loan.amount.amount', '200000.01'), status: 422, path: 'loan.amount.amount' },
    { name: 'loan currency not the product\'s', body: set('loan.amount.currency', 'USD'), status: 422, path: 'loan.amount.currency' },
    { name: 'term above the product', body: set('loan.termMonths', 48), status: 422, path: 'loan.termMonths' },
    { name: 'term a string', body: set('loan.termMonths', '12'), status: 422, path: 'loan.termMonths' },
    { name: 'unknown purpose', body: set('loan.purpose', 'holiday'), status: 422, path: 'loan.purpose' },
    { name: 'credit check not consented', body: set('consents.creditCheck', false), status: 422, path: 'consents.creditCheck' },
    { name: 'data processing consent missing', body: set('consents.dataProcessing', undefined), status: 422, path: 'consents.dataProcessing' },
    { name: 'guarantor with bad national ID', body: set('guarantor', { type: 'guarantor', fullName: 'Wang Fang', nationalId: '110105199003071238' }), status: 422, path: 'guarantor.nationalId' },
    { name: 'unknown top-level field', body: set('referrer', 'friend'), status: 422, path: 'referrer' },
    { name: 'micro-business without business data', body: { ...set('productId', 'micro-business'), customerType: 'micro_business', loan: { amount: { amount: '8000.00', currency: 'CNY' }, termMonths: 12, purpose: 'business' } }, status: 422, path: 'business' },
  ];
}
