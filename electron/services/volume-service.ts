import type { Handlers } from '../api';
import { intensityRange } from './intensity';
import type { StudyCatalog } from './ports';

export function volumeHandlers(catalog: StudyCatalog): Pick<Handlers, 'volumes.get'> {
  return {
    async 'volumes.get'({ studyInstanceUid, stackId }) {
      const volume = await catalog.loadStack(studyInstanceUid, stackId);
      return {
        stackId,
        dims: volume.dims,
        spacing: volume.spacing,
        affine: volume.affine,
        data: volume.data,
        range: intensityRange(volume.data),
      };
    },
  };
}
