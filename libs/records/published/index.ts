export * from './home-office-uof';
export * from './home-office-uof-csv';
export * from './home-office-uof-import';
export * from './published-uof-tactic.entity';
