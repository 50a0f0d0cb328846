export * from './vocabulary/ethnicity';
export * from './reference/police-force-areas';
export * from './areas/area.entity';
export * from './areas/census-import';
export * from './census/census-csv';
