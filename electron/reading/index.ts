/** The structured ASAS reading: grid, scoring rules, schema, lifecycle, storage, reports, exports. */
export * from './grid';
export * from './jointHeight';
export * from './rules/sparccInflammation';
export * from './rules/sparccStructural';
export * from './rules/berlinScore';
export * from './rules/asasPositive';
export * from './rules/definiteActiveLesion';
export * from './rules/definiteStructuralLesion';
export * from './scores';
