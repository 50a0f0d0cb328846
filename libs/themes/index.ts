export * from './themes.entities';
export * from './trends';
