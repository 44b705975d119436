// The loan application body of POST /v1/applications (API.md), as zod schemas: the single source of the request
// type, its error messages and its OpenAPI description. Checks that need a product run in `productProblems`.

import { readStatement, statementSubmissionSchema } from '../assessment/statement';
import { z } from 'zod';
import { decimalProblem, fromMinor, toMinor } from '../kernel/money';
import { boundedDecimal } from '../kernel/number-schemas';
import { cnBirthDate, cnNationalIdProblem } from '../kernel/national-id';
import { CUSTOMER_TYPES, DEFAULT_DOCUMENT_GATE, DOCUMENT_GATES, DOCUMENT_KINDS, INTEREST_METHODS, type Product } from './products';
import type { FieldProblem } from '../kernel/errors';
import { disbursementAccountSchema } from '../contracting/core-banking';

// Plain messages for the generic cases, for every schema of this API (a schema's own message still wins).
z.config({
  customError: (issue) => {
    if (issue.code === 'invalid_type' && issue.input === undefined) return 'is required';
    if (issue.code === 'invalid_type') return `must be ${issue.expected === 'object' || issue.expected === 'array' ? 'an' : 'a'} ${issue.expected}`;
    if (issue.code === 'invalid_value' && issue.values.length > 1) return `must be one of ${issue.values.join(', ')}`;
    return undefined;
  },
});

export const CHANNELS = ['web', 'app', 'partner', 'branch'] as const;
export const LANGUAGES = ['zh-CN', 'en'] as const;
export const PURPOSES = [
  'car_new', 'car_used', 'furniture', 'electronics', 'appliances', 'repairs', 'education', 'retraining', 'business',
  'agriculture', 'other',
] as const;

const NATIONAL_ID_MESSAGES = {
  format: 'must be an 18-character resident ID: 17 digits and a check digit or X',
  checksum: 'check digit does not match (ISO 7064 MOD 11-2)',
  birthDate: 'embedded birth date is not a real date',
} as const;

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

export const moneySchema = z
  .strictObject({
    amount: z.string({ error: 'must be a decimal string such as "12000.00", not a number' }),
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as CNY'),
  })
  .superRefine((money, ctx) => {
    if (!/^[A-Z]{3}$/.test(money.currency)) return;
    const problem = decimalProblem(money.amount, money.currency);
    if (problem) ctx.addIssue({ code: 'custom', path: ['amount'], message: problem });
  });

export const calendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, 'must be a real calendar date');

export const nationalIdSchema = z.string().superRefine((id, ctx) => {
  const problem = cnNationalIdProblem(id);
  if (problem) ctx.addIssue({ code: 'custom', message: NATIONAL_ID_MESSAGES[problem] });
});

const wholeNumber = (min: number, max: number) =>
  z.number().int('must be a whole number').min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);

export const applicantSchema = z
  .strictObject({
    fullName: text(100),
    nationalId: nationalIdSchema,
    dateOfBirth: calendarDate,
    phone: z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number such as +8613800138000'),
    email: z.email('must be an email address').max(254, 'must be at most 254 characters').optional().nullable(),
    preferredLanguage: z.enum(LANGUAGES).default('zh-CN'),
    address: z.strictObject({
      line1: text(200),
      line2: text(200).optional().nullable(),
      city: text(100),
      province: text(100).optional().nullable(),
      postalCode: z.string().regex(/^[A-Za-z0-9 -]{3,10}$/, 'must be a postal code').optional().nullable(),
      yearsAtAddress: wholeNumber(0, 100),
    }),
  })
  .superRefine((applicant, ctx) => {
    const embedded = cnBirthDate(applicant.nationalId);
    if (embedded && embedded !== applicant.dateOfBirth) {
      ctx.addIssue({ code: 'custom', path: ['dateOfBirth'], message: `must equal the birth date in nationalId (${embedded})` });
    }
  });

export const guarantorSchema = z.strictObject({
  type: z.enum(['co_applicant', 'guarantor']),
  fullName: text(100),
  nationalId: nationalIdSchema,
});

export const businessSchema = z.strictObject({
  name: text(200),
  registrationNo: z.string().regex(/^[0-9A-Z]{15,18}$/, 'must be a business registration number (15–18 digits or capitals)'),
  industry: text(100),
  yearsOperating: wholeNumber(0, 100),
  monthlyRevenue: moneySchema,
});

export const applicationSubmissionSchema = z.strictObject({
  productId: z.string().regex(/^[a-z0-9-]{1,64}$/, 'must be a product id such as personal-consumer'),
  channel: z.enum(CHANNELS),
  customerType: z.enum(CUSTOMER_TYPES),
  applicant: applicantSchema,
  household: z.strictObject({
    housing: z.enum(['rent', 'own', 'free']),
    dependents: wholeNumber(0, 20),
  }),
  employment: z.strictObject({
    status: z.enum(['employed', 'self_employed', 'unemployed', 'retired', 'student']),
    occupation: z.enum(['none', 'unskilled', 'skilled', 'management']),
    yearsInCurrentJob: boundedDecimal({ min: 0, max: 70, decimals: 2 }),
    monthlyIncome: moneySchema,
  }),
  finances: z.strictObject({
    monthlyDebtPayments: moneySchema,
    checkingAccount: z.enum(['none', 'negative', 'positive_low', 'positive_high']),
    savings: z.enum(['none', 'low', 'medium', 'high', 'very_high']),
    assets: z.enum(['real_estate', 'savings_insurance', 'vehicle', 'none']),
    otherInstallmentPlans: z.enum(['none', 'bank', 'stores']),
    existingLoansWithUs: wholeNumber(0, 50),
  }),
  loan: z.strictObject({
    amount: moneySchema,
    termMonths: wholeNumber(1, 360),
    purpose: z.enum(PURPOSES),
  }),
  guarantor: guarantorSchema.nullable().optional(),
  business: businessSchema.nullable().optional(),
  /** Where the loan is paid if approved (optional here: it may instead come with the contract acceptance). Sealed with the applicant's PII. */
  disbursementAccount: disbursementAccountSchema.nullable().optional(),
  /**
   * 3–12 months of the applicant's account transactions (a bank statement, 流水), analysed into figures with their
   * explicit consent (`consents.statementAnalysis`); only the figures are kept (assessment/statement.ts).
   */
  statement: statementSubmissionSchema.nullable().optional(),
  consents: z.strictObject({
    creditCheck: z.literal(true, { error: 'must be true: the credit check needs the applicant\'s consent' }),
    dataProcessing: z.literal(true, { error: 'must be true: the application needs consent to process the data' }),
    /** Consent to analyse the bank statement given with the application. */
    statementAnalysis: z.boolean().optional(),
  }),
});

export type ApplicationSubmission = z.infer<typeof applicationSubmissionSchema>;

export const documentUploadRequestSchema = z.strictObject({
  kind: z.enum(DOCUMENT_KINDS),
  contentType: z.enum(['application/pdf', 'image/jpeg', 'image/png'], {
    error: 'must be application/pdf, image/jpeg or image/png',
  }),
  sizeBytes: z
    .number()
    .int('must be a whole number of bytes')
    .min(1, 'must be at least 1 byte')
    .max(10 * 1024 * 1024, 'must be at most 10 MB (10485760 bytes)'),
});

export type DocumentUploadRequest = z.infer<typeof documentUploadRequestSchema>;

/** zod issues as API field problems: `applicant.address.city`, `items[0]` style paths; `body` for the whole body. */
export function toFieldProblems(error: z.ZodError): FieldProblem[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      // A key "" has no path of its own: the problem is named by the object that holds it.
      return issue.keys.map((key) =>
        key === ''
          ? { path: formatPath(issue.path) || 'body', message: 'has a field with an empty name, which is not a known field' }
          : { path: formatPath([...issue.path, key]), message: 'is not a known field' },
      );
    }
    return [{ path: formatPath(issue.path) || 'body', message: issue.message }];
  });
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    return out ? `${out}.${String(key)}` : String(key);
  }, '');
}

/**
 * Checks that need the product: the customer type, the currency, and the amount and term bounds. Reads the raw body
 * defensively so these problems are reported together with the schema's, not after them.
 */
export function productProblems(body: unknown, product: Product | undefined): FieldProblem[] {
  const raw = (typeof body === 'object' && body !== null ? body : {}) as Record<string, any>;
  if (typeof raw.productId !== 'string') return [];
  if (!product || !product.active) return [{ path: 'productId', message: `no active product ${raw.productId}` }];
  const problems: FieldProblem[] = [];
  if (typeof raw.customerType === 'string' && raw.customerType !== product.customerType) {
    problems.push({ path: 'customerType', message: `must be ${product.customerType} for product ${product.productId}` });
  }
  const customerType = typeof raw.customerType === 'string' ? raw.customerType : product.customerType;
  if (customerType === 'micro_business' && (raw.business === null || raw.business === undefined)) {
    problems.push({ path: 'business', message: 'is required for micro_business applicants' });
  }
  const amount = raw.loan?.amount;
  if (amount && typeof amount.amount === 'string' && typeof amount.currency === 'string') {
    if (amount.currency !== product.currency) {
      problems.push({ path: 'loan.amount.currency', message: `must be ${product.currency} for product ${product.productId}` });
    } else if (!decimalProblem(amount.amount, amount.currency)) {
      const { minor } = toMinor(amount);
      if (minor < product.minAmountMinor || minor > product.maxAmountMinor) {
        const min = fromMinor({ minor: product.minAmountMinor, currency: product.currency }).amount;
        const max = fromMinor({ minor: product.maxAmountMinor, currency: product.currency }).amount;
        const bounds = `${min}–${max} ${product.currency}`;
        problems.push({ path: 'loan.amount.amount', message: `must be within ${bounds} for product ${product.productId}` });
      }
    }
  }
  const term = raw.loan?.termMonths;
  if (Number.isInteger(term) && (term < product.minTermMonths || term > product.maxTermMonths)) {
    problems.push({
      path: 'loan.termMonths',
      message: `must be within ${product.minTermMonths}–${product.maxTermMonths} months for product ${product.productId}`,
    });
  }
  return [...problems, ...statementProblems(raw, product)];
}

/** A statement needs the applicant's consent, the product's currency and 3–12 months of readable transactions. */
function statementProblems(raw: Record<string, any>, product: Product): FieldProblem[] {
  if (raw.statement === undefined || raw.statement === null) return [];
  const problems: FieldProblem[] = [];
  if (raw.consents?.statementAnalysis !== true) {
    problems.push({ path: 'consents.statementAnalysis', message: 'must be true to give a bank statement: it is analysed only with the applicant\'s consent' });
  }
  const parsed = statementSubmissionSchema.safeParse(raw.statement);
  if (!parsed.success) return problems; // the schema names what is wrong
  if (parsed.data.currency !== product.currency) return [...problems, { path: 'statement.currency', message: `must be ${product.currency} for product ${product.productId}` }];
  const read = readStatement(parsed.data);
  return 'problems' in read ? [...problems, ...read.problems] : problems;
}

/** POST /v1/products (admin): amounts as Money in the product's currency. */
export const productSchema = z
  .strictObject({
    productId: z.string().regex(/^[a-z0-9-]{3,64}$/, 'must be 3–64 lower-case letters, digits or -'),
    name: text(100),
    customerType: z.enum(CUSTOMER_TYPES),
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as CNY'),
    minAmount: moneySchema,
    maxAmount: moneySchema,
    minTermMonths: wholeNumber(1, 360),
    maxTermMonths: wholeNumber(1, 360),
    method: z.enum(INTEREST_METHODS),
    frequency: z.enum(['monthly', 'biweekly', 'weekly']),
    maxGraceOnPrincipalPeriods: wholeNumber(0, 24).default(0),
    documentChecklist: z
      .array(z.strictObject({ kind: z.enum(DOCUMENT_KINDS), above: moneySchema.optional() }))
      .max(10, 'must list at most 10 documents')
      .default([]),
    /** The step the checklist gates for an application that goes to review: review (default), acceptance or payout. */
    documentsRequiredBefore: z.enum(DOCUMENT_GATES).default(DEFAULT_DOCUMENT_GATE),
    active: z.boolean().default(true),
  })
  .superRefine((product, ctx) => {
    for (const [field, money] of [['minAmount', product.minAmount], ['maxAmount', product.maxAmount]] as const) {
      if (money.currency !== product.currency) ctx.addIssue({ code: 'custom', path: [field, 'currency'], message: `must be ${product.currency}` });
    }
    if (product.minTermMonths > product.maxTermMonths) {
      ctx.addIssue({ code: 'custom', path: ['minTermMonths'], message: 'must not exceed maxTermMonths' });
    }
    if (product.minAmount.currency === product.maxAmount.currency && !decimalProblem(product.minAmount.amount, product.minAmount.currency)) {
      if (!decimalProblem(product.maxAmount.amount, product.maxAmount.currency) && toMinor(product.minAmount).minor > toMinor(product.maxAmount).minor) {
        ctx.addIssue({ code: 'custom', path: ['minAmount', 'amount'], message: 'must not exceed maxAmount' });
      }
    }
  });

export type ProductInput = z.infer<typeof productSchema>;

export function productFromInput(input: ProductInput): Product {
  return {
    productId: input.productId,
    name: input.name,
    customerType: input.customerType,
    currency: input.currency,
    minAmountMinor: toMinor(input.minAmount).minor,
    maxAmountMinor: toMinor(input.maxAmount).minor,
    minTermMonths: input.minTermMonths,
    maxTermMonths: input.maxTermMonths,
    method: input.method,
    frequency: input.frequency,
    maxGraceOnPrincipalPeriods: input.maxGraceOnPrincipalPeriods,
    documentChecklist: input.documentChecklist.map((item) => ({
      kind: item.kind,
      ...(item.above ? { aboveMinor: toMinor(item.above).minor } : {}),
    })),
    documentsRequiredBefore: input.documentsRequiredBefore,
    active: input.active,
  };
}

export function toProductView(product: Product) {
  const money = (minor: number) => fromMinor({ minor, currency: product.currency });
  return {
    productId: product.productId,
    name: product.name,
    customerType: product.customerType,
    currency: product.currency,
    minAmount: money(product.minAmountMinor),
    maxAmount: money(product.maxAmountMinor),
    minTermMonths: product.minTermMonths,
    maxTermMonths: product.maxTermMonths,
    method: product.method,
    frequency: product.frequency,
    maxGraceOnPrincipalPeriods: product.maxGraceOnPrincipalPeriods,
    documentChecklist: product.documentChecklist.map((item) => ({
      kind: item.kind,
      ...(item.aboveMinor !== undefined ? { above: money(item.aboveMinor) } : {}),
    })),
    documentsRequiredBefore: product.documentsRequiredBefore ?? DEFAULT_DOCUMENT_GATE,
    active: product.active,
  };
}
