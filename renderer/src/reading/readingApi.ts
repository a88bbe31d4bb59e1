import { methods, readingStateSchema, type ReadingState } from '../../../electron/api/reading';

type ReadingMethod = keyof typeof methods;

/** The part of the API client the form uses; the reading methods are validated here on arrival. */
export interface CallingClient {
  call(method: never, params: never): Promise<unknown>;
}

export async function readingCall(
  api: CallingClient,
  method: Exclude<ReadingMethod, 'reading.audit'>,
  params: Record<string, unknown>,
): Promise<ReadingState> {
  const call = api.call as unknown as (m: string, p: unknown) => Promise<unknown>;
  return readingStateSchema.parse(await call.call(api, method, params));
}

export type { ReadingState };
