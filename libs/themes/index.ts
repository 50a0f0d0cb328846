export * from './themes.entities';
export * from './trends';
export * from './quarter-summary';
export * from './themes.service';
export * from './vocabularies.service';
export * from './meetings.service';
export * from './quarterly-review.service';
export * from './report-packs.service';
export * from './officer-timeline.service';
export * from './report/pack';
// The pack's chart shapes, palette and SVG writer: the web workspace draws its charts with the same.
export * from './report/charts';
export { escapeHtml, shapeSvg } from './report/html';
export { headingOf, printedCell, printedColumns, reportTables, WITHHELD, type ReportTable } from './report/tables';
export * from './themes.module';
