import { periodBuckets } from './periods';

describe('periodBuckets', () => {
  it('lists every month of the range, across a year end', () => {
    expect(periodBuckets('2017-11', '2018-02', 'month')).toEqual(['2017-11', '2017-12', '2018-01', '2018-02']);
    expect(periodBuckets('2024-05', '2024-05', 'month')).toEqual(['2024-05']);
  });

  it('names quarters and years by their first month, from the period containing `from`', () => {
    expect(periodBuckets('2017-11', '2018-04', 'quarter')).toEqual(['2017-10', '2018-01', '2018-04']);
    expect(periodBuckets('2024-03', '2024-03', 'quarter')).toEqual(['2024-01']);
    expect(periodBuckets('2017-11', '2019-01', 'year')).toEqual(['2017-01', '2018-01', '2019-01']);
  });
});
