export * from './calculators';
export * from './periods';
export * from './statistics.entities';
export * from './disproportionality.service';
export * from './statistics.module';
export * from './published-comparison.service';
export * from './disclosure';
export * from './disclosed-statistics.service';
