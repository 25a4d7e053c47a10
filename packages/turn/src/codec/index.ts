export * from './constants.js';
export * from './message.js';
export * from './attributes.js';
export * from './integrity.js';
export * from './channel-data.js';
export * from './summary.js';
