import { expect, test } from "@playwright/test";
import { lastMailTo, login, ready } from "./helpers";

test("a debtor changes their mobile number: a landline is refused, a mobile number counts after the SMS code", async ({ page }, info) => {
  await login(page, info);
  await expect(page).toHaveURL(/\/$/);
  await page.getByRole("link", { name: "Mijn gegevens" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Mijn gegevens");
  await ready(page, info);

  await page.getByLabel("Nieuw mobiel nummer").fill("020 123 4567");
  await page.getByRole("button", { name: "Stuur code per sms" }).click();
  await expect(page.locator("#f-phone-error")).toContainText("Dit is geen mobiel nummer");
  await expect(page.getByLabel("Nieuw mobiel nummer")).toHaveValue("020 123 4567");

  await ready(page, info);
  await page.getByLabel("Nieuw mobiel nummer").fill("06 1234 5678");
  await page.getByRole("button", { name: "Stuur code per sms" }).click();
  await expect(page.getByTestId("notice")).toContainText("sms gestuurd");

  const outbox = await page.context().newPage();
  const code = (await lastMailTo(outbox, "+31612345678")).match(/\b(\d{6})\b/)![1];
  await outbox.close();
  await ready(page, info);
  await page.locator("#f-phone-code").fill(code);
  await page.getByRole("button", { name: "Bevestigen" }).click();
  await expect(page.getByTestId("current-phone")).toHaveText("+31612345678");
});

test("a debtor downloads everything held about them from the profile page", async ({ page }, info) => {
  await login(page, info);
  await expect(page).toHaveURL(/\/$/);
  await page.goto("/profile");
  await ready(page, info);
  await expect(page.getByRole("heading", { name: "Uw gegevens" })).toBeVisible();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download als JSON" }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^demo-data-\d{4}-\d{2}-\d{2}\.json$/);
  const fs = await import("fs");
  const data = JSON.parse(fs.readFileSync(await download.path(), "utf-8"));
  expect(data.tables.customers[0].name).toBe("Jan de Vries");
  expect(data.tables.invoices.length).toBeGreaterThan(0);
});
