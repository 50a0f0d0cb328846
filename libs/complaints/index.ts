export * from './complaint-vocabularies';
export * from './complaint.entities';
export * from './complaint-input';
export * from './complaints-csv';
export * from './complaints-import';
export * from './complaints.service';
export * from './complaints.module';
