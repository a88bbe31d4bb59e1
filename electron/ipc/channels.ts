/** IPC channel names shared by the main-process adapter and the preload (which inlines them). */
export const REQUEST_CHANNEL = 'sij:request';
export const EVENT_CHANNEL = 'sij:event';
