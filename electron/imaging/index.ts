export * from './volume';
export * from './resample';
export { gaussianBlur } from './resample-gaussian';
export * from './nifti';
