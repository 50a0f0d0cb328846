/** Every territorial police force area of England and Wales: ONS code, name, data.police.uk force id. */
export const POLICE_FORCE_AREAS = [
  { code: 'E23000001', name: 'Metropolitan Police', policeUkId: 'metropolitan' },
  { code: 'E23000002', name: 'Cumbria', policeUkId: 'cumbria' },
  { code: 'E23000003', name: 'Lancashire', policeUkId: 'lancashire' },
  { code: 'E23000004', name: 'Merseyside', policeUkId: 'merseyside' },
  { code: 'E23000005', name: 'Greater Manchester', policeUkId: 'greater-manchester' },
  { code: 'E23000006', name: 'Cheshire', policeUkId: 'cheshire' },
  { code: 'E23000007', name: 'Northumbria', policeUkId: 'northumbria' },
  { code: 'E23000008', name: 'Durham', policeUkId: 'durham' },
  { code: 'E23000009', name: 'North Yorkshire', policeUkId: 'north-yorkshire' },
  { code: 'E23000010', name: 'West Yorkshire', policeUkId: 'west-yorkshire' },
  { code: 'E23000011', name: 'South Yorkshire', policeUkId: 'south-yorkshire' },
  { code: 'E23000012', name: 'Humberside', policeUkId: 'humberside' },
  { code: 'E23000013', name: 'Cleveland', policeUkId: 'cleveland' },
  { code: 'E23000014', name: 'West Midlands', policeUkId: 'west-midlands' },
  { code: 'E23000015', name: 'Staffordshire', policeUkId: 'staffordshire' },
  { code: 'E23000016', name: 'West Mercia', policeUkId: 'west-mercia' },
  { code: 'E23000017', name: 'Warwickshire', policeUkId: 'warwickshire' },
  { code: 'E23000018', name: 'Derbyshire', policeUkId: 'derbyshire' },
  { code: 'E23000019', name: 'Nottinghamshire', policeUkId: 'nottinghamshire' },
  { code: 'E23000020', name: 'Lincolnshire', policeUkId: 'lincolnshire' },
  { code: 'E23000021', name: 'Leicestershire', policeUkId: 'leicestershire' },
  { code: 'E23000022', name: 'Northamptonshire', policeUkId: 'northamptonshire' },
  { code: 'E23000023', name: 'Cambridgeshire', policeUkId: 'cambridgeshire' },
  { code: 'E23000024', name: 'Norfolk', policeUkId: 'norfolk' },
  { code: 'E23000025', name: 'Suffolk', policeUkId: 'suffolk' },
  { code: 'E23000026', name: 'Bedfordshire', policeUkId: 'bedfordshire' },
  { code: 'E23000027', name: 'Hertfordshire', policeUkId: 'hertfordshire' },
  { code: 'E23000028', name: 'Essex', policeUkId: 'essex' },
  { code: 'E23000029', name: 'Thames Valley', policeUkId: 'thames-valley' },
  { code: 'E23000030', name: 'Hampshire', policeUkId: 'hampshire' },
  { code: 'E23000031', name: 'Surrey', policeUkId: 'surrey' },
  { code: 'E23000032', name: 'Kent', policeUkId: 'kent' },
  { code: 'E23000033', name: 'Sussex', policeUkId: 'sussex' },
  { code: 'E23000034', name: 'City of London', policeUkId: 'city-of-london' },
  { code: 'E23000035', name: 'Devon and Cornwall', policeUkId: 'devon-and-cornwall' },
  { code: 'E23000036', name: 'Avon and Somerset', policeUkId: 'avon-and-somerset' },
  { code: 'E23000037', name: 'Gloucestershire', policeUkId: 'gloucestershire' },
  { code: 'E23000038', name: 'Wiltshire', policeUkId: 'wiltshire' },
  { code: 'E23000039', name: 'Dorset', policeUkId: 'dorset' },
  { code: 'W15000001', name: 'North Wales', policeUkId: 'north-wales' },
  { code: 'W15000002', name: 'Gwent', policeUkId: 'gwent' },
  { code: 'W15000003', name: 'South Wales', policeUkId: 'south-wales' },
  { code: 'W15000004', name: 'Dyfed-Powys', policeUkId: 'dyfed-powys' },
] as const;

/**
 * Local authorities created by merging others since the December 2016 lookup. Each lies wholly within one
 * force area, the one its predecessors were in; the census importer uses this to place 2021 authorities that
 * an older lookup does not list.
 */
export const LOCAL_AUTHORITY_SUCCESSORS: Record<string, { name: string; since: string; predecessors: string[] }> = {
  E06000058: {
    name: 'Bournemouth, Christchurch and Poole',
    since: '2019-04-01',
    predecessors: ['E06000028', 'E06000029', 'E07000048'],
  },
  E06000059: {
    name: 'Dorset',
    since: '2019-04-01',
    predecessors: ['E07000049', 'E07000050', 'E07000051', 'E07000052', 'E07000053'],
  },
  E06000060: {
    name: 'Buckinghamshire',
    since: '2020-04-01',
    predecessors: ['E07000004', 'E07000005', 'E07000006', 'E07000007'],
  },
  E06000061: {
    name: 'North Northamptonshire',
    since: '2021-04-01',
    predecessors: ['E07000150', 'E07000152', 'E07000153', 'E07000156'],
  },
  E06000062: {
    name: 'West Northamptonshire',
    since: '2021-04-01',
    predecessors: ['E07000151', 'E07000154', 'E07000155'],
  },
  E07000244: { name: 'East Suffolk', since: '2019-04-01', predecessors: ['E07000205', 'E07000206'] },
  E07000245: { name: 'West Suffolk', since: '2019-04-01', predecessors: ['E07000201', 'E07000204'] },
  E07000246: { name: 'Somerset West and Taunton', since: '2019-04-01', predecessors: ['E07000190', 'E07000191'] },
};
