// Journeys run twice: with JavaScript (hydrated) and without (plain HTML forms).
// Each project gets its own server and fresh demo database, so a journey that pays an invoice
// in one project leaves the other project's data untouched.
import { defineConfig } from "@playwright/test";

const port = Number(process.env.SETTLE_E2E_PORT ?? 3100);
const chromiumArgs = [
  "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: {
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: chromiumArgs },
    viewport: { width: 390, height: 844 },
    locale: "nl-NL",
  },
  projects: [
    { name: "js", use: { javaScriptEnabled: true, baseURL: `http://localhost:${port}` } },
    { name: "no-js", use: { javaScriptEnabled: false, baseURL: `http://localhost:${port + 1}` } },
  ],
  webServer: [port, port + 1].map((p) => ({
    command: `bash ./start-server.sh ${p}`,
    url: `http://localhost:${p}/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "pipe" as const,
  })),
});
