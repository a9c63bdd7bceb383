// App start-up and memory under Xvfb, the Casekeep app next to a bare Tauri window built
// with the same toolchain (benches/bare-window). Run by scripts/bench-app.sh (`make
// bench-app`); not part of `make test`. Prints a table; see docs/BENCHMARKS.md.
//
// Start-up: each binary is launched directly (no WebDriver) with CASEKEEP_BENCH_STARTUP=1,
// which makes it print one fixed line on stderr per event:
//   page-loaded  the page's load event (scripts have run);
//   status       (Casekeep only) the page asked for the app status. The page draws the
//                unlock screen in the same task that receives this answer, so the unlock
//                screen is in the page within one frame after it.
// "Start to unlock screen" is the later of the two, from spawn(), in wall-clock ms.
//
// Memory: resident set (RSS) and proportional set (PSS, shared pages split between the
// processes) summed over the app process and every descendant (WebKitWebProcess,
// WebKitNetworkProcess), read from /proc. Measured (a) for both binaries launched
// directly, a few seconds after start (Casekeep at its unlock screen), and (b) through
// WebDriver (tauri-driver; the same automation mode for both): the bare window after
// start, Casekeep after unlocking the 10k-client benchmark vault and showing its caseload.
import { spawn } from "node:child_process";
import { readFileSync, readdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..");
const require = createRequire(join(root, "ui", "package.json"));

const env = process.env;
const app = env.CASEKEEP_APP;
const bare = env.BARE_APP;
const vault = env.BENCH_VAULT;
const driverBin = env.TAURI_DRIVER ?? join(root, "build/tools/bin/tauri-driver");
const runs = Number(env.RUNS ?? 5);
const memRuns = Number(env.MEM_RUNS ?? 3);
const user = env.BENCH_USER ?? "bench";
const pass = env.BENCH_PASSPHRASE ?? "benchmark vault passphrase (synthetic data only)";
const work = mkdtempSync(join(tmpdir(), "casekeep-bench-app-"));

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const display = `:${140 + Math.floor(Math.random() * 50)}`;
const children = [];
function stopAll() {
  for (const p of children.reverse()) {
    try { p.kill("SIGTERM"); } catch { /* gone */ }
  }
}
process.on("exit", () => { stopAll(); rmSync(work, { recursive: true, force: true }); });

// ------------------------------------------------------------------ /proc
function childrenOf(pid) {
  const out = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) out.push(Number(d));
    } catch { /* gone */ }
  }
  return out;
}
function tree(pid) {
  const all = [pid];
  for (let i = 0; i < all.length; i++) all.push(...childrenOf(all[i]));
  return all;
}
function comm(pid) {
  try { return readFileSync(`/proc/${pid}/comm`, "utf8").trim(); } catch { return "?"; }
}
function kib(pid, file, key) {
  try {
    const m = readFileSync(`/proc/${pid}/${file}`, "utf8").match(new RegExp(`^${key}:\\s+(\\d+) kB`, "m"));
    return m ? Number(m[1]) : 0;
  } catch { return 0; }
}
// Memory of `pid` and its descendants, by process name (MiB).
function memory(pid) {
  const by = {};
  let rss = 0, pss = 0;
  for (const p of tree(pid)) {
    const name = comm(p);
    const r = kib(p, "status", "VmRSS") / 1024;
    const s = kib(p, "smaps_rollup", "Pss") / 1024;
    by[name] = by[name] ?? { rss: 0, pss: 0 };
    by[name].rss += r;
    by[name].pss += s;
    rss += r;
    pss += s;
  }
  return { rss, pss, by };
}
function findByName(pid, name) {
  return tree(pid).find((p) => comm(p) === name.slice(0, 15));
}

// ------------------------------------------------------------------ figures
const med = (v) => { const s = [...v].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const spread = (v) => `${Math.min(...v).toFixed(0)}–${Math.max(...v).toFixed(0)}`;
const fmt = (v) => `${med(v).toFixed(0)} (${spread(v)}, n=${v.length})`;

async function launchOnce(bin, extraEnv) {
  const t0 = performance.now();
  const p = spawn(bin, [], {
    env: { ...env, DISPLAY: display, CASEKEEP_BENCH_STARTUP: "1", ...extraEnv },
    stdio: ["ignore", "ignore", "pipe"],
  });
  children.push(p);
  const marks = {};
  let buf = "";
  p.stderr.on("data", (d) => {
    buf += d.toString();
    let i;
    while ((i = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      const m = line.match(/^casekeep-bench-startup: (\S+)/);
      if (m && marks[m[1]] === undefined) marks[m[1]] = performance.now() - t0;
    }
  });
  return { p, marks };
}

async function stop(p) {
  const gone = new Promise((r) => p.once("exit", r));
  p.kill("SIGTERM");
  await Promise.race([gone, sleep(5000)]);
  await sleep(500);
}

async function webdriver(appBin, driverEnv) {
  const { remote } = require("webdriverio");
  const port = 4444 + Math.floor(Math.random() * 400) * 2;
  const driver = spawn(driverBin, ["--port", String(port), "--native-port", String(port + 1)], {
    env: { ...env, DISPLAY: display, ...driverEnv },
    stdio: ["ignore", "ignore", "inherit"],
  });
  children.push(driver);
  await sleep(1200);
  const browser = await remote({
    hostname: "127.0.0.1",
    port,
    logLevel: "error",
    capabilities: { browserName: "wry", "tauri:options": { application: appBin }, "wdio:enforceWebDriverClassic": true },
  });
  const end = async () => {
    try { await browser.deleteSession(); } catch { /* gone */ }
    await stop(driver);
  };
  return { browser, driver, end };
}

function line(label, m) {
  const parts = Object.entries(m.by).map(([k, v]) => `${k} ${v.rss.toFixed(0)}/${v.pss.toFixed(0)}`).join(", ");
  console.log(`${label}: RSS ${m.rss.toFixed(0)} MiB, PSS ${m.pss.toFixed(0)} MiB  [RSS/PSS by process: ${parts}]`);
}

async function main() {
  const xvfb = spawn("Xvfb", [display, "-screen", "0", "1280x900x24", "-nolisten", "tcp"], { stdio: "ignore" });
  children.push(xvfb);
  await sleep(1000);
  const appEnv = {
    CASEKEEP_VAULT: vault,
    CASEKEEP_DEMO_VAULT: join(work, "demo-vault"),
    CASEKEEP_EXPORT_DIR: join(work, "exports"),
  };

  console.log(`app: ${app}\nbare window: ${bare}\nvault: ${vault}\nXvfb ${display}, ${runs} launches each, alternating\n`);
  // Warm the file cache once for each, then alternate.
  for (const [b, e] of [[bare, {}], [app, appEnv]]) { const { p } = await launchOnce(b, e); await sleep(2500); await stop(p); }
  const s = { bare: { times: [] }, app: { times: [] } };
  for (let i = 0; i < runs; i++) {
    const one = async (key, bin, e, needs) => {
      const { p, marks } = await launchOnce(bin, e);
      const end = performance.now() + 20000;
      while (!needs.every((k) => marks[k] !== undefined) && performance.now() < end) await sleep(2);
      if (!needs.every((k) => marks[k] !== undefined)) throw new Error(`${key}: no start-up line within 20 s`);
      s[key].times.push(Math.max(...needs.map((k) => marks[k])));
      if (i === runs - 1) {
        await sleep(3000);
        s[key].mem = memory(p.pid);
      }
      await stop(p);
    };
    await one("bare", bare, {}, ["page-loaded"]);
    await one("app", app, appEnv, ["page-loaded", "status"]);
  }
  console.log(`start to page loaded, bare window (ms): ${fmt(s.bare.times)}`);
  console.log(`start to unlock screen, Casekeep (ms):  ${fmt(s.app.times)}`);
  line("bare window, 3 s after start (no WebDriver)", s.bare.mem);
  line("Casekeep at its unlock screen, 3 s after start (no WebDriver)", s.app.mem);

  // Through WebDriver: the bare window, then Casekeep unlocked with the 10k caseload shown.
  const bareMem = [], appMem = [], appProc = [], unlockMs = [];
  for (let i = 0; i < memRuns; i++) {
    {
      const { browser, driver, end } = await webdriver(bare, {});
      await browser.execute(() => document.readyState);
      await sleep(3000);
      const pid = findByName(driver.pid, "bare-window");
      const m = memory(pid);
      bareMem.push(m);
      if (i === memRuns - 1) line("bare window through WebDriver", m);
      await end();
    }
    {
      const { browser, driver, end } = await webdriver(app, appEnv);
      const u = await browser.$("#unlock-user");
      await u.waitForExist({ timeout: 20000 });
      await u.setValue(user);
      await (await browser.$("#unlock-pass")).setValue(pass);
      const t0 = performance.now();
      await (await browser.$("button[type=submit]")).click();
      const deadline = performance.now() + 120000;
      let heading = "";
      while (performance.now() < deadline) {
        heading = await browser.execute(() => document.querySelector("h1")?.textContent ?? "");
        if (heading.startsWith("Caseload (")) break;
        await sleep(50);
      }
      if (!heading.startsWith("Caseload (")) throw new Error("the caseload did not show");
      const rows = await browser.execute(() => document.querySelectorAll("tbody tr").length);
      unlockMs.push(performance.now() - t0);
      await sleep(3000);
      const pid = findByName(driver.pid, "casekeep-app");
      const m = memory(pid);
      appMem.push(m);
      appProc.push(m.by["casekeep-app"]);
      if (i === memRuns - 1) line(`Casekeep unlocked, "${heading}" shown with ${rows} table rows, through WebDriver`, m);
      await end();
    }
  }
  const rss = (v) => v.map((m) => m.rss), pss = (v) => v.map((m) => m.pss);
  console.log(`\nunlock (KDF included) to caseload shown (ms): ${fmt(unlockMs)}`);
  console.log(`all processes, RSS MiB: bare ${fmt(rss(bareMem))}, Casekeep unlocked ${fmt(rss(appMem))}, ratio ${(med(rss(appMem)) / med(rss(bareMem))).toFixed(2)}`);
  console.log(`all processes, PSS MiB: bare ${fmt(pss(bareMem))}, Casekeep unlocked ${fmt(pss(appMem))}, ratio ${(med(pss(appMem)) / med(pss(bareMem))).toFixed(2)}`);
  console.log(`Casekeep app process alone, RSS MiB: ${fmt(appProc.map((m) => m.rss))}; PSS MiB: ${fmt(appProc.map((m) => m.pss))}`);
}

main().then(() => { stopAll(); process.exit(0); }, (e) => { console.error(`bench-app: ${e.message}`); stopAll(); process.exit(1); });
