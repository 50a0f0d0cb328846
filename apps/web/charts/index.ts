export * from './chart';
export * from './forest';
export * from './line';
export * from './choropleth';
export * from './funnel';
