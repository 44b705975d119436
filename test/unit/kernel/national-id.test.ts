import { cnBirthDate, cnCheckCharacter, cnNationalIdProblem, maskNationalId } from '../../../functions/core/kernel/national-id';
import { nationalIdFor } from '../../support/applications';

describe('CN resident ID (GB 11643, ISO 7064 MOD 11-2)', () => {
  it('accepts the example ID of the API contract', () => {
    expect(cnNationalIdProblem('110105199003071239')).toBeUndefined();
  });

  it('computes the published check characters', () => {
    // Worked examples from GB 11643-1999 and the ISO 7064 MOD 11-2 table: 11010519491231002X ends in X.
    expect(cnCheckCharacter('11010519491231002')).toBe('X');
    expect(cnCheckCharacter('44052418800101001')).toBe('4');
  });

  it('refuses a wrong check digit', () => {
    expect(cnNationalIdProblem('110105199003071238')).toBe('checksum');
  });

  it('refuses wrong lengths and letters other than a final X', () => {
    expect(cnNationalIdProblem('11010519900307123')).toBe('format');
    expect(cnNationalIdProblem('1101051990030712X9')).toBe('format');
    expect(cnNationalIdProblem('11010519900307123x')).toBe('format');
  });

  it('refuses a check-valid ID whose birth date does not exist', () => {
    expect(cnNationalIdProblem(nationalIdFor('1990-02-30'))).toBe('birthDate');
    expect(cnNationalIdProblem(nationalIdFor('2000-02-29'))).toBeUndefined();
    expect(cnNationalIdProblem(nationalIdFor('1900-02-29'))).toBe('birthDate');
  });

  it('reads the embedded birth date', () => {
    expect(cnBirthDate('110105199003071239')).toBe('1990-03-07');
  });

  it('masks all but the first three and last two characters', () => {
    expect(maskNationalId('110105199003071239')).toBe('110*************39');
  });
});
