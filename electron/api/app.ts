import { z } from 'zod';
import { method } from './contract';

export const methods = {
  'app.info': method(
    z.object({}).strict(),
    z.object({
      version: z.string(),
      transport: z.enum(['ipc', 'loopback']),
      dataDir: z.string(),
      /** Study to open on start (`sij serve --open`, `npm start` sample), if any. */
      openOnStart: z.string().nullable(),
    }),
    'Application version, transport and the study to open on start.',
  ),
};

export const events = {
  'app.error': z.object({ message: z.string() }),
};
