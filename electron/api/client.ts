import type { z } from 'zod';
import { ApiError, apiErrorSchema, type ApiEvent, type ErrorCode } from './contract';
import {
  events,
  methods,
  type EventName,
  type EventPayload,
  type MethodName,
  type Params,
  type Result,
} from './index';

/** What a transport (IPC preload bridge or loopback WebSocket) gives the client. */
export interface Transport {
  /** Resolves with `{ result }` or `{ error }` exactly as the dispatcher produced it. */
  request(method: string, params: unknown): Promise<{ result?: unknown; error?: unknown }>;
  subscribe(listener: (event: ApiEvent) => void): () => void;
}

export interface ApiClient {
  call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** The renderer's only way to the main process; it never knows which transport it has. */
export function createApiClient(transport: Transport): ApiClient {
  const resultSchemas = methods as Record<string, { result: z.ZodType }>;
  const eventSchemas = events as Record<string, z.ZodType>;
  return {
    async call(method, params) {
      const reply = await transport.request(method, params);
      if (reply.error !== undefined) {
        const parsed = apiErrorSchema.safeParse(reply.error);
        const code: ErrorCode = parsed.success ? parsed.data.code : 'internal';
        throw new ApiError(code, parsed.success ? parsed.data.message : `${method} failed.`);
      }
      const checked = resultSchemas[method].result.safeParse(reply.result);
      if (!checked.success) throw new ApiError('internal', `${method} returned data the UI cannot read.`);
      return checked.data as Result<typeof method>;
    },
    on(event, listener) {
      return transport.subscribe((message) => {
        if (message.event !== event) return;
        const checked = eventSchemas[event].safeParse(message.payload);
        if (checked.success) listener(checked.data as EventPayload<typeof event>);
      });
    },
  };
}
