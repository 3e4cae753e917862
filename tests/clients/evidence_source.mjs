// Evidence's own DuckDB connector (@evidence-dev/duckdb), as `npm run sources` calls it: a
// source folder whose connection.yaml names the warehouse file relative to the folder, and one
// source query. Usage: node evidence_source.mjs <node_modules dir> <source dir> <query.sql>
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

const [modules, sourceDir, queryFile] = process.argv.slice(2);
const require = createRequire(modules + '/');
const connector = require('@evidence-dev/duckdb');
const { batchedAsyncGeneratorToArray } = require('@evidence-dev/db-commons');
const apiVersion = require('@duckdb/node-api/package.json').version;

// connection.yaml holds `options: {filename: ...}`; a tiny reader for that one key.
const yaml = await readFile(path.join(sourceDir, 'connection.yaml'), 'utf8');
const filename = yaml.match(/^\s*filename:\s*(\S+)\s*$/m)[1];
const runner = await connector.getRunner({ filename }, sourceDir);
const result = await runner(await readFile(queryFile, 'utf8'), queryFile, 1000);
const rows = await batchedAsyncGeneratorToArray(result.rows);
console.log(JSON.stringify({
  connector: require('@evidence-dev/duckdb/package.json').version,
  nodeApi: apiVersion,
  connection: await connector.testConnection({ filename }, sourceDir),
  columnTypes: result.columnTypes,
  expectedRowCount: result.expectedRowCount,
  rows,
}));
