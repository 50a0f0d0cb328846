import { ETHNIC_GROUPS, groupOfSelfDefined, SELF_DEFINED_CATEGORIES, SELF_DEFINED_CODES } from './ethnicity';

describe('ethnicity vocabulary', () => {
  it('has the 18 census categories plus not stated, each in one of the 5 groups', () => {
    expect(SELF_DEFINED_CATEGORIES).toHaveLength(18);
    expect(SELF_DEFINED_CODES).toHaveLength(19);
    expect(new Set(SELF_DEFINED_CATEGORIES.map((c) => c.group))).toEqual(new Set(ETHNIC_GROUPS));
  });
  it('maps categories to groups, and not stated to none', () => {
    expect(groupOfSelfDefined('B2')).toBe('black');
    expect(groupOfSelfDefined('A4')).toBe('asian');
    expect(groupOfSelfDefined('NS')).toBeNull();
    expect(groupOfSelfDefined(null)).toBeNull();
  });
});
