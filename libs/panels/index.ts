export * from './panel.entities';
