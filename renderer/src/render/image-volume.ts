import vtkDataArray from '@kitware/vtk.js/Common/Core/DataArray';
import vtkImageData from '@kitware/vtk.js/Common/DataModel/ImageData';

export interface VolumeData {
  dims: [number, number, number];
  spacing: [number, number, number];
  affine: number[];
  data: Float32Array;
}

/**
 * A stack as vtkImageData placed in patient LPS space: world = origin + direction * (spacing * ijk),
 * direction columns being the unit column, row and slice directions of the DICOM affine.
 */
export function createImageData(volume: VolumeData): vtkImageData {
  const a = volume.affine;
  const image = vtkImageData.newInstance();
  image.setDimensions(volume.dims[0], volume.dims[1], volume.dims[2]);
  const lengths = [0, 1, 2].map((c) => Math.hypot(a[c], a[4 + c], a[8 + c]));
  image.setSpacing([lengths[0], lengths[1], lengths[2]]);
  image.setOrigin([a[3], a[7], a[11]]);
  const direction = [0, 1, 2].flatMap((c) => [
    a[c] / lengths[c],
    a[4 + c] / lengths[c],
    a[8 + c] / lengths[c],
  ]);
  image.setDirection(
    ...(direction as [number, number, number, number, number, number, number, number, number]),
  );
  const scalars = vtkDataArray.newInstance({ name: 'voxels', numberOfComponents: 1, values: volume.data });
  image.getPointData().setScalars(scalars);
  return image;
}
