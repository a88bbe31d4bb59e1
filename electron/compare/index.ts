/** Second-opinion reads: reading packages, comparisons, blind-first, consensus, reader-study export. */
export * from './package';
export * from './match';
export * from './comparison';
export * from './comparisonText';
export * from './blindFirst';
export * from './consensus';
export * from './compareStore';
export * from './studyExport';
export * from './overview';
export * from './handlers';
