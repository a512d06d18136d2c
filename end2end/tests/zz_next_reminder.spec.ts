// Runs last (files run in name order): it moves the dunning engine a week ahead on this
// project's database, which would change what the other journeys see.
import { execFileSync } from "child_process";
import { readFileSync } from "fs";
import { tmpdir } from "os";
import { expect, test } from "@playwright/test";
import { ready, totp } from "./helpers";

/** 10:00 Amsterdam on the first working day (not Sunday, not a Dutch Christmas or New Year's day) from `days` ahead. */
function openDay(days: number): string {
  const d = new Date(Date.now() + days * 86_400_000);
  const closed = (x: Date) =>
    x.getUTCDay() === 0 || ["12-25", "12-26", "01-01"].includes(x.toISOString().slice(5, 10));
  while (closed(d)) d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

test("an admin changes a reminder's text and the next reminder says it", async ({ browser }, info) => {
  const ctx = await browser.newContext({
    javaScriptEnabled: info.project.use.javaScriptEnabled,
    baseURL: info.project.use.baseURL,
    locale: "nl-NL",
    viewport: { width: 390, height: 844 },
  });
  const page = await ctx.newPage();
  await page.goto("/backoffice/login");
  await ready(page, info);
  await page.getByLabel("E-mailadres").fill("admin@settle.test");
  await page.getByLabel("Wachtwoord").fill("demo-password-1");
  await page.getByRole("button", { name: "Inloggen" }).click();
  await ready(page, info);
  await page.getByLabel("Code").fill(totp("SETTLEDEMOADMINTOTPSECRET2345672", Date.now() + 30_000));
  await page.getByRole("button", { name: "Bevestigen" }).click();
  await expect(page.getByTestId("staff-who")).toContainText("Adam Admin");

  await page.goto("/backoffice/templates/reminder/email/nl");
  await ready(page, info);
  await page.getByLabel("Onderwerp").fill("Over factuur {{ invoice }} ({{ amount }})");
  await page.getByRole("button", { name: "Opslaan" }).click();
  await expect(page.getByTestId("notice")).toContainText("Tekst opgeslagen");

  // The engine a week on, twice (a debtor gets one email a day): invoice 2026-1002 (due in 11
  // days) gets its advance notice, a step of kind reminder.
  const port = new URL(info.project.use.baseURL!).port;
  const env = Object.fromEntries(
    readFileSync(`/tmp/settle-e2e-${port}.env`, "utf8")
      .trim()
      .split("\n")
      .map((line) => line.split(/=(.*)/s).slice(0, 2)),
  );
  const first = openDay(8);
  const second = openDay((Date.parse(first) - Date.now()) / 86_400_000 + 1.5);
  for (const day of [first, second]) {
    execFileSync("../target/debug/settle", ["remind", "--once", "--tenant", "demo", "--at", `${day}T10:00:00+01:00`], {
      env: { ...process.env, ...env, SETTLE_LOG: "warn", SETTLE_LETTER_SPOOL: tmpdir() },
    });
  }
  await page.goto("/dev/outbox");
  const mail = page.locator("[data-testid=mail]", { hasText: "Over factuur 2026-1002" });
  await expect(mail.locator(".subject")).toHaveText(/^Over factuur 2026-1002 \(€\s[\d.]+,\d\d\)$/);
  await expect(mail.locator(".to")).toHaveText("other@settle.test");
});
