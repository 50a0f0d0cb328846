export * from './places';
export * from './polygon-index';
