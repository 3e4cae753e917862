// Serve the Evidence dashboard's static build from 127.0.0.1 and open pages of it in Debian's
// chromium, headless, driven by playwright-core. Reports per page: every request, those that
// would leave the machine (aborted before they are sent, and listed), failed requests, responses
// of 400 and over, console and page errors, the charts (each ECharts instance: canvas or svg, its
// size, its aria description of the data), Evidence's error boxes and the page's text. Saves a
// screenshot of each page. Run it with the network cut off (the test runs it in a network
// namespace that has only loopback).
// Usage: node dashboard_check.mjs <node_modules> <chromium> <profile dir> <screenshot dir>
//        <flags as JSON> <site dir> <path>... ; prints one JSON object keyed by path.
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';

const [modules, executable, profile, shots, flags, site, ...paths] = process.argv.slice(2);
const { chromium } = createRequire(modules + '/')('playwright-core');

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css',
  '.json': 'application/json', '.wasm': 'application/wasm', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.woff': 'font/woff',
  '.webmanifest': 'application/manifest+json', '.parquet': 'application/octet-stream',
  '.arrow': 'application/vnd.apache.arrow.stream',
};
// A static file server, as any web server would host the site: /x serves x, x.html or x/index.html.
function resolveFile(urlPath) {
  const clean = path.normalize(decodeURIComponent(urlPath.split('?')[0])).replace(/^(\.\.[/\\])+/, '');
  const base = path.join(site, clean);
  for (const candidate of [base, `${base}.html`, path.join(base, 'index.html')]) {
    try { if (statSync(candidate).isFile()) return candidate; } catch { /* next */ }
  }
  return null;
}
const server = createServer((req, res) => {
  const file = resolveFile(req.url);
  if (!file) { res.writeHead(404).end('not found'); return; }
  res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
  createReadStream(file).pipe(res);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;
const local = (url) => /^(data|blob|about):/.test(url) || new URL(url).origin === origin;

const context = await chromium.launchPersistentContext(profile, {
  executablePath: executable,
  headless: true,
  args: JSON.parse(flags),
  viewport: { width: 1280, height: 1000 },
  serviceWorkers: 'block',
});
const results = {};
let current = null;
// A request for anything the local server does not host is aborted before it is sent, and listed.
await context.route('**/*', (route) => {
  const url = route.request().url();
  if (local(url)) return route.continue();
  current?.external.push(url);
  return route.abort('internetdisconnected');
});
try {
  for (const [i, pagePath] of paths.entries()) {
    const seen = {
      requests: [], external: [], failed: [], badStatus: [], consoleErrors: [], pageErrors: [],
    };
    current = seen;
    const page = await context.newPage();
    page.on('request', (r) => seen.requests.push(r.url()));
    page.on('requestfailed', (r) => seen.failed.push({ url: r.url(), error: r.failure()?.errorText }));
    page.on('response', (r) => { if (r.status() >= 400) seen.badStatus.push(`${r.status()} ${r.url()}`); });
    page.on('console', (m) => { if (m.type() === 'error') seen.consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => seen.pageErrors.push(String(e)));
    const response = await page.goto(origin + pagePath, { waitUntil: 'networkidle' });
    seen.status = response ? response.status() : null;
    // Each chart container gets an ECharts instance drawing on a canvas once the page hydrates.
    await page.waitForFunction(() => {
      const containers = document.querySelectorAll('.chart-container');
      const drawn = document.querySelectorAll('.chart-container [_echarts_instance_] canvas');
      return drawn.length >= containers.length;
    }, null, { timeout: 30000 }).catch(() => {});
    await page.waitForTimeout(1000); // let the charts' animations settle before the screenshot
    seen.title = await page.title();
    seen.charts = await page.$$eval('.chart-container', (containers) => containers.map((c) => {
      const instance = c.querySelector('[_echarts_instance_]');
      const surface = instance?.querySelector('canvas, svg');
      const box = surface?.getBoundingClientRect();
      return {
        instance: Boolean(instance),
        surface: surface ? surface.tagName.toLowerCase() : null,
        width: box?.width ?? 0,
        height: box?.height ?? 0,
        aria: instance?.getAttribute('aria-label') ?? '',
      };
    }));
    seen.errorBoxes = await page.$$eval('.text-negative, [class*="bg-negative"]',
      (boxes) => boxes.map((b) => b.innerText.trim()).filter(Boolean));
    seen.text = await page.innerText('body');
    await page.screenshot({ path: path.join(shots, `page-${i}.png`), fullPage: true });
    results[pagePath] = seen;
    await page.close();
  }
} finally {
  await context.close();
  server.close();
}
console.log(JSON.stringify({ origin, pages: results }));
