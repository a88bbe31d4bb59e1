import type { Handlers } from '../api';
import type { Volume } from '../imaging/volume';
import { intensityRange } from './intensity';
import type { StudyCatalog } from './ports';

export function volumeHandlers(catalog: StudyCatalog): Pick<Handlers, 'volumes.get'> {
  // The histogram pass costs as much as sending the voxels; a re-opened exam reuses it.
  const ranges = new WeakMap<Volume, ReturnType<typeof intensityRange>>();
  return {
    async 'volumes.get'({ studyInstanceUid, stackId }) {
      const volume = await catalog.loadStack(studyInstanceUid, stackId);
      let range = ranges.get(volume);
      if (!range) ranges.set(volume, (range = intensityRange(volume.data)));
      return {
        stackId,
        dims: volume.dims,
        spacing: volume.spacing,
        affine: volume.affine,
        data: volume.data,
        range,
      };
    },
  };
}
