export * from './volume';
export * from './resample';
