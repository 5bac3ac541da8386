// Lighthouse runs for bench/run.py: one Chromium for every run (starting a browser per run
// would cost a fifth of the benchmark's Lighthouse time), pages interleaved round by round.
//
//   CHROME_PATH=/usr/bin/chromium node bench/lighthouse.mjs OUT_DIR RUNS URL...
//
// Writes OUT_DIR/<page index>-<run>.json, Lighthouse's full JSON report. Settings are
// Lighthouse's defaults (mobile form factor, simulated throttling) with three categories
// and no full-page screenshot; Lighthouse resets the origin's storage and cache per run.
import fs from "node:fs";
import path from "node:path";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";

const [outDir, runs, ...urls] = process.argv.slice(2);
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH || "/usr/bin/chromium",
  chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu"],
});
try {
  for (let run = 0; run < Number(runs); run++) {
    for (const [index, url] of urls.entries()) {
      const result = await lighthouse(url, {
        port: chrome.port,
        output: "json",
        logLevel: "error",
        formFactor: "mobile",
        onlyCategories: ["performance", "accessibility", "best-practices"],
        disableFullPageScreenshot: true,
      });
      fs.writeFileSync(path.join(outDir, `${index}-${run}.json`), result.report);
      const scores = Object.fromEntries(
        Object.entries(result.lhr.categories).map(([key, value]) => [key, Math.round(value.score * 100)]));
      console.log(`  lighthouse ${url} run ${run + 1}: ${JSON.stringify(scores)}`);
    }
  }
} finally {
  await chrome.kill();
}
