// html_check.js - open an orgmri HTML report in headless Chromium and check
// what a reader would get: no console errors, no request for anything
// outside the file, every chart's SVG drawn at a non-zero size, no chart
// text clipped by its SVG or drawn over another label, no hostile string
// run as markup, and the time to render.  Saves screenshots.
//
//   node html_check.js REPORT.html OUTDIR [MIN_CHARTS]
//
// Needs playwright-core (NODE_PATH) and Debian's /usr/bin/chromium.
'use strict';
const path = require('path');
const { chromium } = require('playwright-core');

const [file, outdir, minCharts, mode] = process.argv.slice(2);
// mode 'plain': a report without planted hostile strings (the demo's)
const planted = mode !== 'plain';
const HOSTILE = ['<img src=x onerror=alert(1)>',
                 '<script>window.__pwned=1</script>',
                 '" onmouseover="alert(2)'];

async function main() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    // No network here: without these Chromium tries to reach its services.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update',
           '--disable-sync'],
  });
  const problems = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const url = 'file://' + path.resolve(file);
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push('console error: ' + m.text());
    });
    page.on('pageerror', (e) => problems.push('page error: ' + e.message));
    page.on('dialog', async (d) => {
      problems.push('a dialog opened (script ran): ' + d.message());
      await d.dismiss();
    });
    page.on('request', (r) => {
      if (r.url() !== url) problems.push('requested ' + r.url());
    });

    const t0 = Date.now();
    await page.goto(url, { waitUntil: 'load' });
    // Two frames: the first paint has happened.
    await page.evaluate(() => new Promise((r) =>
      requestAnimationFrame(() => requestAnimationFrame(r))));
    const wall = Date.now() - t0;
    const timing = await page.evaluate(() => {
      const n = performance.getEntriesByType('navigation')[0];
      const fcp = performance.getEntriesByName('first-contentful-paint')[0];
      return { load: n.loadEventEnd, fcp: fcp ? fcp.startTime : -1 };
    });

    const r = await page.evaluate((hostile) => {
      const out = { charts: [], clipped: [], overlaps: [] };
      for (const svg of document.querySelectorAll('svg.chart')) {
        const box = svg.getBoundingClientRect();
        const name = svg.getAttribute('aria-label');
        out.charts.push({ name, w: box.width, h: box.height,
          shapes: svg.querySelectorAll('path, rect, line').length });
        const texts = [...svg.querySelectorAll('text')]
          .map((t) => ({ t: t.textContent, b: t.getBoundingClientRect() }))
          .filter((x) => x.b.width > 0);
        for (const x of texts) {
          if (x.b.left < box.left - 0.5 || x.b.right > box.right + 0.5 ||
              x.b.top < box.top - 0.5 || x.b.bottom > box.bottom + 0.5)
            out.clipped.push(name + ': "' + x.t + '"');
        }
        for (let i = 0; i < texts.length; i++)
          for (let j = i + 1; j < texts.length; j++) {
            const a = texts[i].b, b = texts[j].b;
            const ox = Math.min(a.right, b.right) - Math.max(a.left, b.left);
            const oy = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
            if (ox > 1 && oy > 2)
              out.overlaps.push(name + ': "' + texts[i].t + '" / "' +
                                texts[j].t + '"');
          }
      }
      out.elements = document.querySelectorAll('img, script, iframe, object, embed').length;
      out.pwned = window.__pwned === 1;
      const text = document.body.textContent;
      out.hostileShown = hostile.filter((h) => text.includes(h)).length;
      out.title = document.title;
      return out;
    }, HOSTILE);

    for (const c of r.charts)
      if (!(c.w > 0 && c.h > 0 && c.shapes > 0))
        problems.push(`chart "${c.name}" drew nothing (${c.w}x${c.h}, ${c.shapes} shapes)`);
    if (r.charts.length < Number(minCharts || 1))
      problems.push(`only ${r.charts.length} charts, expected ${minCharts}`);
    for (const c of r.clipped) problems.push('text outside its chart: ' + c);
    for (const o of r.overlaps) problems.push('labels overlap: ' + o);
    if (r.elements) problems.push(`${r.elements} img/script/iframe elements in the page`);
    if (r.pwned) problems.push('hostile script ran');
    if (planted && r.hostileShown !== HOSTILE.length)
      problems.push(`only ${r.hostileShown} of ${HOSTILE.length} hostile strings shown as text`);
    if (planted && !r.title.includes(HOSTILE[0]))
      problems.push('title not shown as text: ' + r.title);
    if (timing.load > 1000) problems.push(`load took ${timing.load.toFixed(0)} ms (> 1000)`);

    // The top of the page (title, tiles, first chart) for the docs.
    await page.screenshot({ path: path.join(outdir, 'report.png'), fullPage: true,
                            clip: { x: 0, y: 0, width: 1200, height: 1500 } });
    await page.screenshot({ path: path.join(outdir, 'report-full.png'), fullPage: true });
    const figs = await page.$$('figure');
    for (let i = 0; i < figs.length; i++)
      await figs[i].screenshot({ path: path.join(outdir, `chart-${i + 1}.png`) });
    await page.pdf({ path: path.join(outdir, 'report.pdf'), format: 'A4' });

    console.log(`charts: ${r.charts.length} ` +
                r.charts.map((c) => `${c.w.toFixed(0)}x${c.h.toFixed(0)}`).join(' '));
    console.log(`render: load event ${timing.load.toFixed(0)} ms, first contentful ` +
                `paint ${timing.fcp.toFixed(0)} ms, goto-to-painted ${wall} ms`);
  } finally {
    await browser.close();
  }
  for (const p of problems) console.log('FAIL: ' + p);
  process.exit(problems.length ? 1 : 0);
}

main().catch((e) => { console.error(e); process.exit(1); });
