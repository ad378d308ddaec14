export { graphiqlPage, GRAPHIQL_CSP } from './page.js';
export type { GraphiqlPageOptions } from './page.js';
export { graphiqlAssetsHandler } from './assets-handler.js';
export type { GraphiqlAssetsHandler } from './assets-handler.js';
export { GRAPHIQL_ASSETS, assetPackageVersion } from './assets.js';
export type { GraphiqlAsset } from './assets.js';
export { GRAPHIQL_ASSETS_PATH, sendGraphiqlPage } from './send-page.js';
