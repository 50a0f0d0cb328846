export * from './calculators';
export * from './periods';
export * from './statistics.entities';
export * from './disproportionality.service';
export * from './statistics.module';
