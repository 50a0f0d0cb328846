export * from './review-form';
export * from './example-form';
export * from './theme-codes';
