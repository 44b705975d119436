import { applicationSubmissionSchema, productProblems, productSchema, toFieldProblems } from '../../../functions/core/applications/application-schema';
import { DEFAULT_PRODUCTS, requiredDocuments } from '../../../functions/core/applications/products';
import { productBody, validApplication, withValue } from '../../support/applications';

const personal = DEFAULT_PRODUCTS.find((p) => p.productId === 'personal-consumer')!;
const agricultural = DEFAULT_PRODUCTS.find((p) => p.productId === 'agricultural')!;

describe('application submission schema', () => {
  it('accepts the example body of API.md', () => {
    const result = applicationSubmissionSchema.safeParse({ ...validApplication(), applicant: { ...validApplication().applicant, nationalId: '110105199003071239', dateOfBirth: '1990-03-07' } });
    expect(result.success).toBe(true);
    expect(productProblems(validApplication(), personal)).toEqual([]);
  });

  it('reports every problem at once with its path', () => {
    let body = withValue(validApplication(), 'applicant.phone', '123');
    body = withValue(body, 'loan.purpose', 'holiday');
    body = withValue(body, 'consents.creditCheck', false);
    body = withValue(body, 'employment.monthlyIncome.amount', 15000);
    const result = applicationSubmissionSchema.safeParse(body);
    expect(result.success).toBe(false);
    const paths = toFieldProblems(result.error!).map((p) => p.path).sort();
    expect(paths).toEqual(['applicant.phone', 'consents.creditCheck', 'employment.monthlyIncome.amount', 'loan.purpose']);
  });

  it('names unknown fields one by one', () => {
    const result = applicationSubmissionSchema.safeParse({ ...validApplication(), extra: 1, other: 2 });
    expect(toFieldProblems(result.error!).map((p) => p.path).sort()).toEqual(['extra', 'other']);
  });

  it('checks the product bounds, currency and customer type', () => {
    const body = withValue(withValue(validApplication(), 'loan.amount.amount', '250000.00'), 'loan.termMonths', 2);
    expect(productProblems({ ...body, customerType: 'farmer' }, personal).map((p) => p.path)).toEqual([
      'customerType',
      'loan.amount.amount',
      'loan.termMonths',
    ]);
    expect(productProblems(withValue(validApplication(), 'loan.amount.amount', '1000.00'), personal)).toEqual([]);
    expect(productProblems(withValue(validApplication(), 'loan.amount.amount', '200000.00'), personal)).toEqual([]);
    expect(productProblems(withValue(validApplication(), 'loan.amount.amount', '200000.01'), personal)[0]?.message).toMatch('1000.00–200000.00 CNY');
  });

  it('names an unknown field with an empty name by the object that holds it', () => {
    const result = applicationSubmissionSchema.safeParse({ ...withValue(validApplication(), 'household.', 1), '': null });
    expect(toFieldProblems(result.error!).filter((p) => p.message.includes('empty name')).map((p) => p.path).sort()).toEqual(['body', 'household']);
  });

  it('refuses an unknown or inactive product', () => {
    expect(productProblems(validApplication(), undefined)).toEqual([{ path: 'productId', message: 'no active product personal-consumer' }]);
    expect(productProblems(validApplication(), { ...personal, active: false })[0]?.path).toBe('productId');
  });

  it('requires the land contract for agricultural loans above 20,000 only', () => {
    expect(requiredDocuments(agricultural, 2_000_000)).toEqual([]);
    expect(requiredDocuments(agricultural, 2_000_001)).toEqual(['land_or_lease_contract']);
  });
});

describe('product schema', () => {
  const product = productBody();

  it('accepts a product and fills the defaults', () => {
    const parsed = productSchema.parse(product);
    expect(parsed).toMatchObject({ active: true, documentChecklist: [], maxGraceOnPrincipalPeriods: 0 });
  });

  it('refuses inverted bounds and amounts in another currency', () => {
    const result = productSchema.safeParse({ ...product, minTermMonths: 30, maxAmount: { amount: '50000.00', currency: 'USD' } });
    expect(toFieldProblems(result.error!).map((p) => p.path).sort()).toEqual(['maxAmount.currency', 'minTermMonths']);
  });
});
