export * from './panel.entities';
export * from './session-state';
export * from './agreement';
export * from './criteria-scales';
export * from './panels.service';
export * from './deliberation.service';
export * from './panels.module';
