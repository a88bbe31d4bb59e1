import { z } from 'zod';

/** One request/response pair of the API. Params come from an untrusted renderer and are validated. */
export interface MethodSpec<P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  params: P;
  result: R;
  summary: string;
}

export function method<P extends z.ZodType, R extends z.ZodType>(
  params: P,
  result: R,
  summary: string,
): MethodSpec<P, R> {
  return { params, result, summary };
}

/** Error codes the UI can act on; the message is written for the user and names the next step. */
export const errorCodes = [
  'bad_request',
  'not_found',
  'unreadable',
  'unsupported',
  'model_unavailable',
  'busy',
  'cancelled',
  'internal',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export const apiErrorSchema = z.object({ code: z.enum(errorCodes), message: z.string() });
export type ApiErrorPayload = z.infer<typeof apiErrorSchema>;

export const requestSchema = z.object({
  id: z.number().int().nonnegative(),
  method: z.string().min(1).max(100),
  params: z.unknown(),
});
export type ApiRequest = z.infer<typeof requestSchema>;

export type ApiResponse = { id: number; result: unknown } | { id: number; error: ApiErrorPayload };

export interface ApiEvent {
  event: string;
  payload: unknown;
}

/** A float volume on the wire: geometry plus voxels, index data[i + nx*(j + ny*k)], affine voxel -> LPS. */
export const volumeGeometrySchema = z.object({
  dims: z.tuple([z.number().int().positive(), z.number().int().positive(), z.number().int().positive()]),
  spacing: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]),
  affine: z.array(z.number()).length(16),
});
export type VolumeGeometry = z.infer<typeof volumeGeometrySchema>;

/** Voxels; typed loosely so Node Buffers' views and browser ArrayBuffers both fit. */
export const float32ArraySchema = z.custom<Float32Array>((v) => v instanceof Float32Array, {
  message: 'expected a Float32Array',
});
