// Loan products (PRODUCT.md §3). Amounts in minor units of the product currency.

export const CUSTOMER_TYPES = ['individual', 'micro_business', 'farmer'] as const;
export type CustomerType = (typeof CUSTOMER_TYPES)[number];

export const INTEREST_METHODS = ['equal_installments', 'equal_principal', 'flat'] as const;
export type InterestMethod = (typeof INTEREST_METHODS)[number];

export const DOCUMENT_KINDS = [
  'id_card',
  'proof_of_income',
  'business_licence',
  'land_or_lease_contract',
  'bank_statement',
  'other',
] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/**
 * The step the product's required documents gate, for an application that goes to review (PRODUCT.md §2.2, §3): the
 * reviewers are only asked once the checklist is complete (`review`, the default), the contract cannot be accepted
 * before (`acceptance`), or the loan is accepted but not paid out before (`payout`). An application approved without
 * review is never held for documents (the channel verified the identity at sign-up).
 */
export const DOCUMENT_GATES = ['review', 'acceptance', 'payout'] as const;
export type DocumentGate = (typeof DOCUMENT_GATES)[number];
export const DEFAULT_DOCUMENT_GATE: DocumentGate = 'review';

export interface ChecklistItem {
  kind: DocumentKind;
  /** Required only when the amount is above this many minor units. */
  aboveMinor?: number;
}

export interface Product {
  productId: string;
  name: string;
  customerType: CustomerType;
  currency: string;
  minAmountMinor: number;
  maxAmountMinor: number;
  minTermMonths: number;
  maxTermMonths: number;
  method: InterestMethod;
  frequency: 'monthly' | 'biweekly' | 'weekly';
  maxGraceOnPrincipalPeriods: number;
  documentChecklist: ChecklistItem[];
  /** Which step the checklist gates (products stored before this setting read as `review`). */
  documentsRequiredBefore: DocumentGate;
  active: boolean;
}

export const DEFAULT_PRODUCTS: readonly Product[] = [
  {
    productId: 'personal-consumer',
    name: 'Personal consumer loan',
    customerType: 'individual',
    currency: 'CNY',
    minAmountMinor: 1_000_00,
    maxAmountMinor: 200_000_00,
    minTermMonths: 3,
    maxTermMonths: 36,
    method: 'equal_installments',
    frequency: 'monthly',
    maxGraceOnPrincipalPeriods: 0,
    documentChecklist: [{ kind: 'proof_of_income' }],
    documentsRequiredBefore: 'review',
    active: true,
  },
  {
    productId: 'micro-business',
    name: 'Micro-business loan',
    customerType: 'micro_business',
    currency: 'CNY',
    minAmountMinor: 5_000_00,
    maxAmountMinor: 500_000_00,
    minTermMonths: 6,
    maxTermMonths: 36,
    method: 'equal_principal',
    frequency: 'monthly',
    maxGraceOnPrincipalPeriods: 0,
    documentChecklist: [{ kind: 'business_licence' }, { kind: 'proof_of_income' }],
    documentsRequiredBefore: 'review',
    active: true,
  },
  {
    productId: 'agricultural',
    name: 'Agricultural loan',
    customerType: 'farmer',
    currency: 'CNY',
    minAmountMinor: 1_000_00,
    maxAmountMinor: 100_000_00,
    minTermMonths: 3,
    maxTermMonths: 24,
    method: 'flat',
    frequency: 'monthly',
    maxGraceOnPrincipalPeriods: 3,
    documentChecklist: [{ kind: 'land_or_lease_contract', aboveMinor: 20_000_00 }],
    documentsRequiredBefore: 'review',
    active: true,
  },
];

/** The document kinds this product requires for a loan of this amount. */
export function requiredDocuments(product: Product, amountMinor: number): DocumentKind[] {
  return product.documentChecklist
    .filter((item) => item.aboveMinor === undefined || amountMinor > item.aboveMinor)
    .map((item) => item.kind);
}
