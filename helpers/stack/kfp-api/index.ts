export type { DatabaseSettings } from './database.js';
export { type LocalKfpApi, type LocalKfpApiOptions, startLocalKfpApi } from './server.js';
