/** The structured ASAS reading: grid, scoring rules, schema, lifecycle, storage, reports, exports. */
export * from './pure';
export * from './audit';
export * from './modelOutput';
export * from './readerProfile';
export * from './readingStore';
export * from './imageHash';
export * from './export/scoreSummary';
export * from './export/deidentify';
export * from './export/jsonExport';
export * from './export/sr';
export * from './export/srCodes';
export * from './report/keyImage';
export * from './report/reportContent';
export * from './report/html';
export * from './report/pdf';
export * from './exam';
export * from './handlers';
