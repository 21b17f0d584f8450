// Prints the scores and page weights of Lighthouse JSON reports; exits 1 when a target is missed.
// Targets (issue 8): performance ≥ 95, accessibility, best practices and SEO 100; each page at
// most 150 KB transferred excluding content images; CSS + JS at most 40 KB compressed; no
// render-blocking script.
import { readFileSync } from "node:fs";

const TARGETS = { performance: 95, accessibility: 100, "best-practices": 100, seo: 100 };
const PAGE_BUDGET = 150 * 1024;
const ASSET_BUDGET = 40 * 1024;
const kb = (bytes) => (bytes / 1024).toFixed(1) + " KB";
let failed = false;
const rows = [];

for (const file of process.argv.slice(2)) {
  const report = JSON.parse(readFileSync(file, "utf8"));
  const scores = Object.fromEntries(
    Object.keys(TARGETS).map((id) => [id, Math.round((report.categories[id]?.score ?? 0) * 100)]),
  );
  const requests = report.audits["network-requests"]?.details?.items ?? [];
  // Content images are what editors upload (/media/); the site's own images count.
  const isContentImage = (r) => r.resourceType === "Image" && new URL(r.url).pathname.startsWith("/media/");
  const page = requests.filter((r) => !isContentImage(r)).reduce((sum, r) => sum + (r.transferSize || 0), 0);
  const assets = requests
    .filter((r) => r.resourceType === "Stylesheet" || r.resourceType === "Script")
    .reduce((sum, r) => sum + (r.transferSize || 0), 0);
  const blocking = (report.audits["render-blocking-resources"]?.details?.items ?? []).filter((r) =>
    /\.m?js(\?|$)/.test(r.url),
  );
  const problems = [];
  for (const [id, target] of Object.entries(TARGETS)) {
    if (scores[id] < target) problems.push(`${id} ${scores[id]} < ${target}`);
  }
  if (page > PAGE_BUDGET) problems.push(`page ${kb(page)} > 150 KB`);
  if (assets > ASSET_BUDGET) problems.push(`CSS+JS ${kb(assets)} > 40 KB`);
  if (blocking.length) problems.push(`render-blocking script: ${blocking.map((r) => r.url).join(", ")}`);
  for (const id of Object.keys(TARGETS)) {
    const failing = Object.values(report.audits).filter(
      (a) => report.categories[id]?.auditRefs.some((ref) => ref.id === a.id && ref.weight > 0) && a.score !== null && a.score < 1 && id !== "performance",
    );
    for (const audit of failing) problems.push(`${id}: ${audit.id} (${audit.title})`);
  }
  failed ||= problems.length > 0;
  rows.push({ url: new URL(report.finalDisplayedUrl ?? report.finalUrl).pathname, scores, page, assets, problems });
}

console.log("页面 / page".padEnd(28) + "性能  无障碍  最佳做法  SEO   传输量(不含内容图片)  CSS+JS(压缩)");
for (const row of rows) {
  const s = row.scores;
  console.log(
    row.url.padEnd(28) +
      String(s.performance).padEnd(6) + String(s.accessibility).padEnd(8) + String(s["best-practices"]).padEnd(10) +
      String(s.seo).padEnd(6) + kb(row.page).padEnd(22) + kb(row.assets),
  );
  for (const problem of row.problems) console.log("    ✗ " + problem);
}
console.log(failed ? "\n未达标 (targets missed)" : "\n全部达标 (all targets met)");
process.exit(failed ? 1 : 0);
