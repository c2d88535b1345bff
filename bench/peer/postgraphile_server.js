// PostGraphile 4 serving the sheqia tables, for bench/peer_postgraphile.py.
// Run with NODE_PATH pointing at the node_modules where postgraphile@4,
// @graphile/pg-aggregates@0.1 and postgraphile-plugin-connection-filter@2 are installed.
//   node postgraphile_server.js DATABASE_URL PORT
const http = require("http");
const { postgraphile } = require("postgraphile");
const ConnectionFilterPlugin = require("postgraphile-plugin-connection-filter");
const PgAggregatesPlugin = require("@graphile/pg-aggregates").default;

const [database, port] = process.argv.slice(2);
const middleware = postgraphile(database, "public", {
  appendPlugins: [ConnectionFilterPlugin, PgAggregatesPlugin],
  // Filters across one-to-many relations (organizations having a service class).
  graphileBuildOptions: { connectionFilterRelations: true },
  // Production settings, as its documentation recommends for a deployment.
  disableQueryLog: true,
  ignoreRBAC: false,
  retryOnInitFail: false,
  graphiql: false,
  enableQueryBatching: false,
  setofFunctionsContainNulls: false,
  dynamicJson: true,
});
http.createServer(middleware).listen(Number(port), "127.0.0.1", () => {
  console.log(`postgraphile listening on ${port}`);
});
