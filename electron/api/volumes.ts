import { z } from 'zod';
import { float32ArraySchema, method, volumeGeometrySchema } from './contract';

export const volumeSchema = volumeGeometrySchema.extend({
  stackId: z.string(),
  /** Voxels after rescale; travels as a binary frame (WebSocket) or a structured clone (IPC). */
  data: float32ArraySchema,
  /** 1st and 99.5th percentile of the voxels: the automatic window comes from these. */
  range: z.object({ min: z.number(), max: z.number(), p1: z.number(), p995: z.number() }),
});
export type VolumePayload = z.infer<typeof volumeSchema>;

export const methods = {
  'volumes.get': method(
    z.object({ studyInstanceUid: z.string().min(1), stackId: z.string().min(1) }).strict(),
    volumeSchema,
    'The voxels and patient geometry of one stack.',
  ),
};

export const events = {};
