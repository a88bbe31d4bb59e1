import * as namespace from 'dicom-parser';

/**
 * dicom-parser is a UMD bundle: under Node's ESM loader its functions sit on `default`, under
 * bundlers on the namespace itself. One place resolves that for the whole folder.
 */
export const dicomParser: typeof namespace =
  (namespace as unknown as { default?: typeof namespace }).default ?? namespace;
export type { DataSet, Element } from 'dicom-parser';
