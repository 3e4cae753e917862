// Load pages in Debian's chromium (headless, driven by playwright-core, offline) and report,
// per page: every request beyond the page itself, console errors, uncaught page errors, the
// charts it shows (figure[data-chart]) and its text. A screenshot of each page is saved.
// Usage: node browser_check.mjs <node_modules> <chromium> <profile dir> <screenshot dir>
//        <flags as JSON> <file path or URL>... ; prints one JSON object keyed by page.
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [modules, executable, profile, shots, flags, ...pages] = process.argv.slice(2);
const { chromium } = createRequire(modules + '/')('playwright-core');

const context = await chromium.launchPersistentContext(profile, {
  executablePath: executable,
  headless: true,
  offline: true, // a request to the network fails instead of leaving the machine
  args: JSON.parse(flags),
  viewport: { width: 1100, height: 900 },
});
const results = {};
try {
  for (const [i, page_] of pages.entries()) {
    const url = /^(file|https?):/.test(page_) ? page_ : pathToFileURL(page_).href;
    const base = url.split('#')[0];
    const seen = { requests: [], consoleErrors: [], pageErrors: [] };
    const page = await context.newPage();
    page.on('request', (r) => { if (r.url().split('#')[0] !== base) seen.requests.push(r.url()); });
    page.on('console', (m) => { if (m.type() === 'error') seen.consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => seen.pageErrors.push(String(e)));
    const response = await page.goto(url, { waitUntil: 'load' });
    seen.status = response ? response.status() : null;
    await page.waitForTimeout(1500); // let scripts (dbt docs' app) render and fetch
    seen.title = await page.title();
    seen.charts = await page.$$eval('figure[data-chart]', (figures) => figures.map((f) => ({
      chart: f.dataset.chart,
      empty: f.dataset.empty === 'true',
      svgs: f.querySelectorAll('svg').length,
      // Vega draws each mark as a path inside a group classed with the mark's name.
      marks: f.querySelectorAll(
        'svg g.role-mark[class*="bars"] > path, svg g.role-mark[class*="points"] > path',
      ).length,
      whiskers: f.querySelectorAll('svg g.role-mark[class*="whiskers"] > path').length,
      width: f.querySelector('svg')?.getBoundingClientRect().width ?? 0,
      height: f.querySelector('svg')?.getBoundingClientRect().height ?? 0,
    })));
    seen.text = await page.innerText('body');
    await page.screenshot({ path: path.join(shots, `page-${i}.png`), fullPage: true });
    results[page_] = seen;
    await page.close();
  }
} finally {
  await context.close();
}
console.log(JSON.stringify(results));
