// Runs last (files run in name order): it moves the dunning engine a week ahead on this
// project's database, which would change what the other journeys see. It works on the energie
// tenant (its debtor Klaus Müller is in no other journey), through the platform operator, who
// has an admin's rights on every tenant; energie.localhost resolves to this machine.
import { execFileSync } from "child_process";
import { readFileSync } from "fs";
import { tmpdir } from "os";
import { expect, test } from "@playwright/test";
import { ready, totp } from "./helpers";

/** The first working day (not Sunday, not a German Christmas or New Year's day) from `days` ahead. */
function openDay(days: number): string {
  const d = new Date(Date.now() + days * 86_400_000);
  const closed = (x: Date) =>
    x.getUTCDay() === 0 || ["12-25", "12-26", "01-01"].includes(x.toISOString().slice(5, 10));
  while (closed(d)) d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

test("an admin changes a reminder's text and the next reminder says it", async ({ browser }, info) => {
  const port = new URL(info.project.use.baseURL!).port;
  const ctx = await browser.newContext({
    javaScriptEnabled: info.project.use.javaScriptEnabled,
    baseURL: `http://energie.localhost:${port}`,
    locale: "de-DE",
    viewport: { width: 390, height: 844 },
  });
  const page = await ctx.newPage();
  await page.goto("/backoffice/login");
  await ready(page, info);
  await page.getByLabel("E-Mail-Adresse").fill("operator@settle.test");
  await page.getByLabel("Passwort").fill("demo-password-1");
  await page.getByRole("button", { name: "Anmelden" }).click();
  await ready(page, info);
  await page.getByLabel("Code").fill(totp("SETTLEDEMOOPERATORTOTPSECRET2345"));
  await page.getByRole("button", { name: "Bestätigen" }).click();
  await expect(page.getByTestId("staff-who")).toBeVisible();

  await page.goto("/backoffice/templates/reminder/email/de");
  await ready(page, info);
  await page.getByLabel("Betreff").fill("Zu Rechnung {{ invoice }} ({{ amount }})");
  await page.getByRole("button", { name: "Speichern" }).click();
  await expect(page.getByTestId("notice")).toBeVisible();

  // The engine a week on, twice (a debtor gets one email a day): invoice R-2026-502, 10 days
  // overdue today, gets its next reminder.
  const env = Object.fromEntries(
    readFileSync(`/tmp/settle-e2e-${port}.env`, "utf8")
      .trim()
      .split("\n")
      .map((line) => line.split(/=(.*)/s).slice(0, 2)),
  );
  const first = openDay(8);
  const second = openDay((Date.parse(first) - Date.now()) / 86_400_000 + 1.5);
  for (const day of [first, second]) {
    execFileSync("../target/debug/settle", ["remind", "--once", "--tenant", "energie", "--at", `${day}T10:00:00+01:00`], {
      env: { ...process.env, ...env, SETTLE_LOG: "warn", SETTLE_LETTER_SPOOL: tmpdir() },
    });
  }
  await page.goto("/dev/outbox");
  const mail = page.locator("[data-testid=mail]", { hasText: "Zu Rechnung R-2026-502" }).first();
  await expect(mail.locator(".subject")).toHaveText(/^Zu Rechnung R-2026-502 \([\d.]+,\d\d\s€\)$/);
  await expect(mail.locator(".to")).toHaveText("kunde@settle.test");
});
