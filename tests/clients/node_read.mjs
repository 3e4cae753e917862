// A BI client in its own process: open the published warehouse read-only with @duckdb/node-api
// (installed in the node_modules folder given) and read a mart, a view and a column comment.
// Usage: node node_read.mjs <node_modules dir> <warehouse.duckdb>; prints one JSON object.
import { createRequire } from 'node:module';

const [modules, warehouse] = process.argv.slice(2);
const require = createRequire(modules + '/');
const { DuckDBInstance, version } = require('@duckdb/node-api');
const apiVersion = require('@duckdb/node-api/package.json').version;

const instance = await DuckDBInstance.create(warehouse, { access_mode: 'READ_ONLY' });
const con = await instance.connect();
const rows = async (sql) => (await con.runAndReadAll(sql)).getRowObjectsJson();
const out = {
  nodeApi: apiVersion,
  engine: version(),
  levels: await rows(
    `select latest_certification_level as level, count(*)::integer as cities
     from marts.dim_cities group by 1 order by 1`),
  view: await rows('select count(*)::integer as n from staging.stg_wwc__cities'),
  comment: await rows(
    `select comment from duckdb_columns()
     where schema_name = 'marts' and table_name = 'dim_cities' and column_name = 'population_band'`),
  tableComment: await rows(
    "select comment from duckdb_tables() where schema_name = 'reports' and table_name = 'rpt_criterion_prevalence'"),
};
let writeError = null;
try {
  await con.run('create table marts.should_not_exist as select 1');
} catch (e) {
  writeError = String(e.message ?? e);
}
out.writeError = writeError;
con.closeSync();
instance.closeSync();
console.log(JSON.stringify(out));
