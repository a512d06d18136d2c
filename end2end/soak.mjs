// The soak: `settle serve` on a fresh demo database under steady load for SOAK_MINUTES (30 by
// default; 1 when CI=true): a signed-in debtor's pages, payment links from many addresses,
// the REST API adding overdue invoices (which the scheduler then plans and sends), and email
// provider events. Every window it notes requests, errors, p50/p99 latency and the server's
// memory; at the end it prints the table and fails when any request failed, memory kept
// growing after the warm-up, or latency drifted. Usage: `make soak [SOAK_MINUTES=n]`.
import { spawn, execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import http from "node:http";
import net from "node:net";

const minutes = Number(process.env.SOAK_MINUTES ?? (process.env.CI === "true" ? 1 : 30));
const rate = Number(process.env.SOAK_RATE ?? 60); // requests per second, all kinds together
// Run from the repository's root, as `make run` does, so relative settings mean the same.
const root = resolve("..");
const bin = resolve(process.env.SETTLE_BIN ?? "../target/debug/settle");
const windowSeconds = minutes <= 2 ? 10 : 60;
const PAY_TOKEN = "demo-pay-link-7f3c9a1e5b2d4f60a8c1e9d7";

const freePort = () =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const port = await freePort();
const dir = mkdtempSync(join(tmpdir(), "settle-soak-"));
const env = {
  PATH: process.env.PATH,
  SETTLE_DATABASE_URL: `sqlite://${dir}/soak.db?mode=rwc`,
  SETTLE_ADDR: `127.0.0.1:${port}`,
  SETTLE_SECRET_KEY: randomBytes(64).toString("base64"),
  LEPTOS_SITE_ROOT: process.env.LEPTOS_SITE_ROOT ?? "target/site",
  SETTLE_DNS_SERVER: "off",
  SETTLE_TRUSTED_PROXIES: "127.0.0.1",
  SETTLE_EMAIL_WEBHOOK_TOKEN: "soak-webhook-token",
  SETTLE_LOG: "warn",
};
execFileSync(bin, ["demo"], { env, cwd: root, stdio: "ignore" });
const apiKey = execFileSync(bin, ["api-key", "create", "--tenant", "demo", "--name", "soak", "--scope", "write"], { env, cwd: root })
  .toString().trim().split("\n").pop();
const server = spawn(bin, ["serve"], { env, cwd: root, stdio: ["ignore", "inherit", "inherit"] }); // warnings and errors only (SETTLE_LOG=warn)
let serverExited = null;
server.on("exit", (code, signal) => { serverExited = code ?? signal; });
// Whatever happens here, the server goes too.
process.on("exit", () => server.kill("SIGKILL"));
process.on("uncaughtException", (e) => { console.error(e); process.exit(1); });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(130));

const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
function request(method, path, { headers = {}, body } = {}) {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const req = http.request(
      { host: "127.0.0.1", port, method, path, agent, headers: { host: `localhost:${port}`, ...headers } },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
            ms: Number(process.hrtime.bigint() - started) / 1e6,
          }));
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error("timeout")));
    req.on("error", (e) => resolve({ status: 0, error: e.message, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
    if (body) req.write(body);
    req.end();
  });
}

for (let i = 0; ; i++) {
  const r = await request("GET", "/health/ready");
  if (r.status === 200) break;
  if (i > 200 || serverExited !== null) throw new Error(`settle serve did not become ready (${r.status} ${r.error ?? ""})`);
  await new Promise((ok) => setTimeout(ok, 100));
}

// A debtor signs in once, as a browser would.
const cookieOf = (res) => (res.headers["set-cookie"] ?? []).map((c) => c.split(";")[0]).join("; ");
const loginPage = await request("GET", "/login");
const csrf = /name="csrf" value="([^"]+)"/.exec(loginPage.body)?.[1];
const form = new URLSearchParams({ csrf, email: "demo@settle.test", password: "demo-password-1" }).toString();
const login = await request("POST", "/login", {
  headers: { cookie: cookieOf(loginPage), "content-type": "application/x-www-form-urlencoded", "content-length": Buffer.byteLength(form) },
  body: form,
});
const session = cookieOf(login);
if (login.status !== 303 || login.headers.location !== "/" || !session) {
  throw new Error(`login failed: ${login.status} to ${login.headers.location}`);
}

// The API's invoices go to a customer of their own, so the browsed debtor's pages stay the same
// size all through (growth there would read as latency drift).
const put = (path, value) => {
  const body = JSON.stringify(value);
  return request("PUT", path, {
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json", "content-length": Buffer.byteLength(body) },
    body,
  });
};
const created = await put("/api/v1/customers/SOAK-1", {
  name: "Soak Test", email: "soak@example.nl",
  address: { street: "Kerkstraat 4", postcode: "3511 AB", city: "Utrecht", country: "NL" }, language: "nl",
});
if (![200, 201].includes(created.status)) throw new Error(`API customer: ${created.status} ${created.body}`);
const today = new Date();
const isoDay = (d) => d.toISOString().slice(0, 10);
let invoiceNo = 0;
let visitor = 0;
// What one tick of the load sends, in proportion: mostly page views and payment links.
const mix = [
  ["page", 4, () => request("GET", "/invoices", { headers: { cookie: session } })],
  ["page", 2, () => request("GET", "/", { headers: { cookie: session } })],
  ["page", 1, () => request("GET", "/invoices/2026-0002", { headers: { cookie: session } })],
  ["pay", 4, () => {
    visitor = (visitor + 1) % 50_000;
    return request("GET", `/pay/${PAY_TOKEN}`, { headers: { "x-forwarded-for": `10.9.${visitor >> 8}.${visitor & 255}` } });
  }],
  ["api", 1, () => {
    invoiceNo += 1;
    return put(`/api/v1/invoices/SOAK-${invoiceNo}`, {
      customer_number: "SOAK-1",
      issue_date: isoDay(new Date(today - 45 * 864e5)),
      due_date: isoDay(new Date(today - 15 * 864e5)),
      description: "Soak",
      lines: [{ description: "Premie", amount: `${10 + (invoiceNo % 90)}.50` }],
    });
  }],
  ["webhook", 1, () => {
    const body = JSON.stringify({ message_id: `<soak-${invoiceNo}@settle>`, event: "delivered" });
    return request("POST", "/webhooks/email", {
      headers: { authorization: "Bearer soak-webhook-token", "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      body,
    });
  }],
];
const deck = mix.flatMap(([kind, weight, send]) => Array.from({ length: weight }, () => [kind, send]));

const rssMiB = () => {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${server.pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN; // the server is gone: the verdict says so
  }
};
const windows = [];
let current = { requests: 0, errors: 0, latencies: [], byKind: {} };
const failures = [];
let inFlight = 0;
let sent = 0;
let skipped = 0;
const started = Date.now();
const end = started + minutes * 60_000;
const pct = (xs, p) => {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const closeWindow = () => {
  windows.push({
    at: Math.round((Date.now() - started) / 1000),
    requests: current.requests,
    errors: current.errors,
    p50: pct(current.latencies, 50),
    p99: pct(current.latencies, 99),
    rss: rssMiB(),
  });
  current = { requests: 0, errors: 0, latencies: [] };
};

const tickMs = 50;
const perTick = rate * tickMs / 1000;
let credit = 0;
const ok = { page: [200], pay: [200], api: [200, 201], webhook: [200] };
await new Promise((resolve) => {
  const timer = setInterval(() => {
    if (Date.now() >= end || serverExited !== null) {
      clearInterval(timer);
      resolve();
      return;
    }
    credit += perTick;
    while (credit >= 1) {
      credit -= 1;
      // Steady load, not a flood: a slow server shows as latency, not as a queue in here.
      if (inFlight >= 64) { skipped += 1; continue; }
      const [kind, send] = deck[sent % deck.length];
      sent += 1;
      inFlight += 1;
      send().then((r) => {
        inFlight -= 1;
        current.requests += 1;
        current.latencies.push(r.ms);
        if (!ok[kind].includes(r.status)) {
          current.errors += 1;
          if (failures.length < 10) failures.push(`${kind}: ${r.status} ${r.error ?? r.body.slice(0, 120)}`);
        }
      });
    }
  }, tickMs);
  const windowTimer = setInterval(() => {
    if (Date.now() >= end || serverExited !== null) { clearInterval(windowTimer); return; }
    closeWindow();
  }, windowSeconds * 1000);
});
while (inFlight > 0) await new Promise((r) => setTimeout(r, 20));
if (current.requests > 0) closeWindow();
// What the scheduler did meanwhile, from the server's own metrics (loopback needs no token).
const metrics = (await request("GET", "/metrics")).body ?? "";
const metric = (name) =>
  metrics.split("\n").filter((l) => l.startsWith(name)).map((l) => l.replace(name, "").trim()).join(", ") || "none";
const engine = `messages sent ${metric("settle_messages_sent_total")}; outbox pending ${metric("settle_outbox_pending")}; scheduler lag ${metric("settle_scheduler_lag_seconds")} s`;
server.kill("SIGTERM");

// Verdict: no errors; memory after the warm-up (the first fifth) stays within 25 % + 16 MiB of
// where it was; the last fifth's p99 within twice the second fifth's + 10 ms.
const fifth = Math.max(1, Math.floor(windows.length / 5));
const warm = windows.slice(fifth, 2 * fifth);
const last = windows.slice(-fifth);
const maxOf = (ws, f) => Math.max(...ws.map(f));
if (windows.length === 0) throw new Error("no load window was recorded");
const errors = windows.reduce((n, w) => n + w.errors, 0);
const stalled = windows.filter((w) => w.requests === 0).length;
const requests = windows.reduce((n, w) => n + w.requests, 0);
const rssWarm = warm.length ? maxOf(warm, (w) => w.rss) : windows[0].rss;
const rssEnd = maxOf(last, (w) => w.rss);
const p99Warm = warm.length ? maxOf(warm, (w) => w.p99) : windows[0].p99;
const p99End = maxOf(last, (w) => w.p99);
const checks = [
  ["no errors", errors === 0 && stalled === 0 && serverExited === null, `${errors} of ${requests}; ${stalled} windows without an answer`],
  ["no memory growth", rssEnd <= rssWarm * 1.25 + 16, `${rssWarm.toFixed(0)} → ${rssEnd.toFixed(0)} MiB`],
  ["latency stable", p99End <= 2 * p99Warm + 10, `p99 ${p99Warm.toFixed(1)} → ${p99End.toFixed(1)} ms`],
];
const lines = [
  `Soak: ${minutes} min at ${rate} req/s (pages, payment links, API, email events; scheduler running), ${bin}`,
  "",
  "| window end s | requests | errors | p50 ms | p99 ms | server RSS MiB |",
  "|---|---|---|---|---|---|",
  ...windows.map((w) => `| ${w.at} | ${w.requests} | ${w.errors} | ${w.p50.toFixed(1)} | ${w.p99.toFixed(1)} | ${w.rss.toFixed(0)} |`),
  "",
  ...checks.map(([name, pass, detail]) => `- ${name}: ${pass ? "yes" : "NO"} (${detail})`),
  `- load held back by the 64-request cap: ${skipped}; ${invoiceNo} invoices added through the API; ${engine}`,
];
const report = lines.join("\n");
console.log(report);
if (failures.length) console.log("first failures:\n" + failures.join("\n"));
mkdirSync("../target", { recursive: true });
writeFileSync("../target/soak-report.md", report + "\n");
process.exit(checks.every(([, pass]) => pass) ? 0 : 1);
