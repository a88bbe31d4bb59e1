/** Names of common non-image SOP classes, so a skipped file says what it was. */
const NAMES: Record<string, string> = {
  '1.2.840.10008.1.3.10': 'Media Storage Directory (DICOMDIR)',
  '1.2.840.10008.5.1.4.1.1.88.11': 'Basic Text SR',
  '1.2.840.10008.5.1.4.1.1.88.22': 'Enhanced SR',
  '1.2.840.10008.5.1.4.1.1.88.33': 'Comprehensive SR',
  '1.2.840.10008.5.1.4.1.1.88.34': 'Comprehensive 3D SR',
  '1.2.840.10008.5.1.4.1.1.88.59': 'Key Object Selection',
  '1.2.840.10008.5.1.4.1.1.481.5': 'RT Plan',
  '1.2.840.10008.5.1.4.1.1.481.3': 'RT Structure Set',
  '1.2.840.10008.5.1.4.1.1.481.2': 'RT Dose',
  '1.2.840.10008.5.1.4.1.1.11.1': 'Grayscale Softcopy Presentation State',
  '1.2.840.10008.5.1.4.1.1.66': 'Raw Data',
  '1.2.840.10008.5.1.4.1.1.66.4': 'Segmentation',
  '1.2.840.10008.5.1.4.1.1.104.1': 'Encapsulated PDF',
  '1.2.840.10008.5.1.4.1.1.4.2': 'MR Spectroscopy',
  '1.2.840.10008.5.1.4.1.1.9.1.1': '12-lead ECG Waveform',
};

export function sopClassName(uid: string | undefined): string {
  if (!uid) return 'unknown SOP class';
  return NAMES[uid] ? `${NAMES[uid]} (${uid})` : `SOP class ${uid}`;
}

export const ENHANCED_MR_IMAGE = '1.2.840.10008.5.1.4.1.1.4.1';
