export { startLoopbackHost, type HostOptions, type LoopbackHost } from './server';
export { contentSecurityPolicy } from './security';
