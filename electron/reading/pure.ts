/**
 * The browser-safe half of the reading module (no Node imports): grid, rules, scores, schema,
 * labels, lifecycle and edits. The API contract and the renderer import this; everything else
 * imports ./index.
 */
export * from './grid';
export * from './jointHeight';
export * from './rules/sparccInflammation';
export * from './rules/sparccStructural';
export * from './rules/berlinScore';
export * from './rules/asasPositive';
export * from './rules/definiteActiveLesion';
export * from './rules/definiteStructuralLesion';
export * from './scores';
export * from './schema';
export * from './labels';
export * from './lifecycle';
export * from './edits';
export * from './settings';
