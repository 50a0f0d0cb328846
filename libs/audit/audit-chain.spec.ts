import { canonicalJson } from './canonical-json';

describe('audit hash chain', () => {
  it('hashes jsonb-reordered content the same', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}',
    );
  });
});
