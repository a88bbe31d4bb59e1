import { createDispatcher } from '../../../electron/api';
import { startLoopbackHost, type LoopbackHost } from '../../../electron/host';
import { rendererDist, type Runtime } from '../../../electron/services';

/** The loopback host (`sij serve`'s transport) over a runtime's services and the built renderer. */
export function serveRuntime(runtime: Runtime): Promise<LoopbackHost> {
  return startLoopbackHost({
    dispatch: createDispatcher(runtime.services.handlers),
    subscribe: (listener) => runtime.services.bus.subscribe(listener),
    staticRoot: rendererDist,
  });
}
