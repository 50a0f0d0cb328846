export * from './snake-naming.strategy';
export * from './data-source.factory';
export * from './migrations';
export * from './database.module';
export * from './typeorm-logger';
export * from './data-dir-lock';
export * from './pg-errors';
export * from './count-up-to';
