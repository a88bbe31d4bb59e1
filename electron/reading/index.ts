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
export * from './schema';
export * from './edits';
export * from './lifecycle';
export * from './audit';
export * from './modelOutput';
export * from './readerProfile';
export * from './readingStore';
export * from './imageHash';
