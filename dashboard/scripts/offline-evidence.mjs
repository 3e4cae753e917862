// Make Evidence's data path work with no network. Run after `npm ci` (package.json's postinstall
// and build.sh both run it; it is idempotent and fails loudly if Evidence's code has changed).
//
// Why: Evidence 40 moves data through DuckDB-Wasm 1.32 (DuckDB v1.4.3), whose build has no Parquet
// reader or writer linked in. The first `read_parquet` or `COPY ... (FORMAT PARQUET)` makes it
// fetch `parquet.duckdb_extension.wasm` from extensions.duckdb.org:
//   - `npm run sources` merges each query's batches with such a COPY in Node: offline the DNS
//     lookup fails and the process then sleeps forever at 0% CPU (the known hang);
//   - `npm run build` prerenders every page in Node, reading the data with `read_parquet` views;
//   - the built site does the same in the browser, a request that leaves the machine.
// No package registry ships that extension binary, and DuckDB's settings can only stop the
// download (autoinstall_known_extensions / autoload_known_extensions = false), not replace it.
// So this script swaps those three Parquet steps for parquet-wasm (already one of Evidence's
// dependencies: it writes every batch's Parquet file) plus DuckDB-Wasm's built-in Arrow import,
// and turns extension autoloading off in both DuckDB-Wasm clients, so anything else that would
// need an extension fails at once instead of hanging. The data files stay Parquet; the pages,
// components and build are Evidence's own.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const MARK = '/* wwc-offline */';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
// The package exports no ./package.json: find its folder from its entry point (src/index.js).
const usqlDir = path.resolve(path.dirname(require.resolve('@evidence-dev/universal-sql')), '..');
const usqlVersion = JSON.parse(readFileSync(path.join(usqlDir, 'package.json'), 'utf8')).version;
const EXPECTED_USQL = '3.0.1';

const OFFLINE_SETTINGS =
	"await connection.query('SET autoinstall_known_extensions = false;'); " +
	"await connection.query('SET autoload_known_extensions = false;');";

const patches = [
	{
		file: 'src/build-parquet.js',
		edits: [
			[
				"import { emptyDbFs, initDB, query } from './client-duckdb/node.js';",
				`${MARK} import { readParquet } from 'parquet-wasm/node/arrow1.js';\nimport { tableFromIPC } from 'apache-arrow';`
			],
			[
				`	await initDB();

	const outputFilepath = path.join(outDir, outputFilename);

	const parquetFiles = tmpFilenames.map((filename) => \`'\${filename.replaceAll('\\\\', '/')}'\`);

	const select = \`SELECT * FROM read_parquet([\${parquetFiles.join(',')}])\`;
	const copy = \`COPY (\${select}) TO '\${outputFilepath}' (FORMAT 'PARQUET', CODEC 'ZSTD', USE_TMP_FILE false);\`;

	await fs.mkdir(path.dirname(outputFilepath), { recursive: true });
	await query(copy);
`,
				`	const outputFilepath = path.join(outDir, outputFilename);
	await fs.mkdir(path.dirname(outputFilepath), { recursive: true });
	${MARK} // merge the batches with parquet-wasm, not DuckDB-Wasm's downloaded parquet extension
	const batches = [];
	for (const filename of tmpFilenames) {
		batches.push(tableFromIPC(readParquet(await fs.readFile(filename)).intoIPCStream()));
	}
	const merged = batches.length === 1 ? batches[0] : batches[0].concat(...batches.slice(1));
	const zstd = new WriterPropertiesBuilder().setCompression(Compression.ZSTD).build();
	await fs.writeFile(outputFilepath, writeParquet(Table.fromIPCStream(tableToIPC(merged, 'stream')), zstd));
`
			],
			[`	await emptyDbFs('*');\n\n	fn_done();`, `	fn_done(); ${MARK}`]
		]
	},
	{
		file: 'src/client-duckdb/node.js',
		edits: [
			[
				"import { withTimeout } from './both.js';",
				`import { withTimeout } from './both.js';
import { readFileSync } from 'fs';
import { readParquet } from 'parquet-wasm/node/arrow1.js';

${MARK} // A source table: its Parquet file read by parquet-wasm, loaded through Arrow.
function loadParquetTable(schema, table, file) {
	connection.query(\`DROP TABLE IF EXISTS "\${schema}"."\${table}";\`);
	const ipc = readParquet(readFileSync(file)).intoIPCStream();
	connection.insertArrowFromIPCStream(ipc, { schema, name: table, create: true });
}`
			],
			[
				"		await connection.query('SET old_implicit_casting = true;');",
				`		await connection.query('SET old_implicit_casting = true;');
		${MARK} ${OFFLINE_SETTINGS}`
			],
			[
				`			db.registerFileURL(
				file_name,
				url.split(pathDelimiterRegex).join(path.sep),
				DuckDBDataProtocol.NODE_FS,
				false
			);
			connection.query(
				\`CREATE OR REPLACE VIEW "\${source}"."\${table}" AS (SELECT * FROM read_parquet('\${file_name}'));\`
			);`,
				`			${MARK} loadParquetTable(source, table, url.split(pathDelimiterRegex).join(path.sep));`
			]
		]
	},
	{
		file: 'src/client-duckdb/browser.js',
		edits: [
			[
				"export { tableFromIPC } from 'apache-arrow';",
				`export { tableFromIPC } from 'apache-arrow';

${MARK} // A source table: its Parquet file fetched from the site, read by parquet-wasm (its wasm
// bundled with the site), loaded through Arrow; DuckDB-Wasm's parquet extension is not needed.
let parquetReady;
async function loadParquetTable(schema, table, url) {
	const [{ default: initParquet, readParquet }, { default: parquetWasm }] = await Promise.all([
		import('parquet-wasm/esm/arrow1.js'),
		import('parquet-wasm/esm/arrow1_bg.wasm?url')
	]);
	await (parquetReady ??= initParquet(parquetWasm));
	const response = await fetch(url);
	if (!response.ok) throw new Error(\`\${url}: HTTP \${response.status}\`);
	const ipc = readParquet(new Uint8Array(await response.arrayBuffer())).intoIPCStream();
	await connection.query(\`DROP TABLE IF EXISTS "\${schema}"."\${table}";\`);
	await connection.insertArrowFromIPCStream(ipc, { schema, name: table, create: true });
}`
			],
			[
				"		await connection.query('SET old_implicit_casting = true;');",
				`		await connection.query('SET old_implicit_casting = true;');
		${MARK} ${OFFLINE_SETTINGS}`
			],
			[
				`				await db.registerFileURL(file_name, addBasePath(path), DuckDBDataProtocol.HTTP, false);
				await connection.query(
					\`CREATE OR REPLACE VIEW "\${source}"."\${table}" AS (SELECT * FROM read_parquet('\${file_name}'));\`
				);`,
				`				${MARK} await loadParquetTable(source, table, addBasePath(path));`
			]
		]
	}
];

let changed = 0;
for (const { file, edits } of patches) {
	const target = path.join(usqlDir, file);
	let text = readFileSync(target, 'utf8');
	if (text.includes(MARK)) continue; // already patched
	if (usqlVersion !== EXPECTED_USQL) {
		throw new Error(
			`@evidence-dev/universal-sql is ${usqlVersion}, this patch is for ${EXPECTED_USQL}: ` +
				'review scripts/offline-evidence.mjs before upgrading Evidence'
		);
	}
	for (const [find, replace] of edits) {
		const at = text.indexOf(find);
		if (at < 0 || text.indexOf(find, at + 1) >= 0) {
			throw new Error(`${file}: expected exactly one occurrence of:\n${find}`);
		}
		text = text.slice(0, at) + replace + text.slice(at + find.length);
	}
	writeFileSync(target, text);
	changed++;
}
const status = changed ? `patched ${changed} file(s)` : 'already patched';
console.log(`offline-evidence: @evidence-dev/universal-sql ${usqlVersion} ${status}`);
