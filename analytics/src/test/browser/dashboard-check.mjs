// Opens a lake dashboard page in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core, which
// never downloads a browser) with every network request aborted and recorded, and prints one JSON object:
//   charts          per canvas[data-chart]: for each dataset, how many elements Chart.js drew at a finite position
//   requests        every URL the page asked for besides itself (each was aborted)
//   failedRequests  requests that failed
//   sql             per details.sql: its report and the length of its SQL text
//   errors          uncaught script errors and console errors
//   screenshot      the full-page PNG written
// DashboardBrowserTest runs it and asserts on the output. Exit 1, with "error" in the JSON, if the page never
// finished drawing.
//   node dashboard-check.mjs PAGE.html SCREENSHOT.png [CHROMIUM]
import { chromium } from 'playwright-core';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [pagePath, screenshot, executablePath = '/usr/bin/chromium'] = process.argv.slice(2);
if (!pagePath || !screenshot) {
  console.error('usage: node dashboard-check.mjs PAGE.html SCREENSHOT.png [CHROMIUM]');
  process.exit(2);
}
const url = pathToFileURL(resolve(pagePath)).href;
const report = { charts: {}, requests: [], failedRequests: [], sql: [], errors: [], screenshot: null };

// Without the background-networking flags Chromium tries to reach Google's services at start; on a closed network
// that is noise at best. Playwright makes its own empty profile (user data dir) per launch.
const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
let status = 0;
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.route('**/*', (route) => {
    const request = route.request();
    if (request.url() === url) {
      return route.continue();
    }
    report.requests.push(request.url());
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  page.on('requestfailed', (request) => report.failedRequests.push(request.url()));
  page.on('pageerror', (error) => report.errors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error') {
      report.errors.push(message.text());
    }
  });
  await page.goto(url, { waitUntil: 'load', timeout: 15000 });
  await page.waitForSelector('body[data-rendered="true"]', { state: 'attached', timeout: 15000 });
  report.charts = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll('canvas[data-chart]')]
    .map((canvas) => {
      const chart = Chart.getChart(canvas);
      return [canvas.dataset.chart, chart
        ? chart.data.datasets.map((_, i) => chart.getDatasetMeta(i).data
          .filter((element) => Number.isFinite(element.x) && Number.isFinite(element.y)).length)
        : null];
    })));
  report.sql = await page.$$eval('details.sql', (all) => all.map((details) => ({
    report: details.dataset.report,
    chars: (details.querySelector('pre')?.textContent ?? '').length,
  })));
  await page.screenshot({ path: screenshot, fullPage: true });
  report.screenshot = screenshot;
} catch (error) {
  report.error = String(error);
  status = 1;
} finally {
  await browser.close();
}
console.log(JSON.stringify(report));
process.exit(status);
