export * from './review-form';
export * from './example-form';
export * from './theme-codes';
export * from './form-checks';
export * from './form-documents';
