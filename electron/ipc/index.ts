export { connectIpc } from './adapter';
export { lockDown } from './security';
export { REQUEST_CHANNEL, EVENT_CHANNEL } from './channels';
