import { expect, test } from "@playwright/test";
import { login, ready } from "./helpers";

test("a debtor raises a dispute about an invoice and sees that reminders hold", async ({ page }, info) => {
  await login(page, info);
  await expect(page).toHaveURL(/\/$/);
  await page.goto("/invoices/2026-0004");
  await ready(page, info);
  await page.getByTestId("dispute-link").click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Bezwaar maken");
  await ready(page, info);

  await page.getByRole("button", { name: "Bezwaar indienen" }).click();
  await expect(page.locator("#f-reason-error")).toHaveText("Kies wat er aan de hand is.");
  await expect(page.locator("#f-text-error")).toHaveText("Dit veld is verplicht.");

  await ready(page, info);
  await page.getByLabel("Het bedrag klopt niet").check();
  await page.getByLabel("Uw toelichting").fill("Mijn premie is per 1 november verlaagd.");
  await page.getByLabel("Bijlage (niet verplicht)").setInputFiles({
    name: "brief.pdf",
    mimeType: "application/pdf",
    buffer: Buffer.from("%PDF-1.4\n%test\n"),
  });
  await page.getByRole("button", { name: "Bezwaar indienen" }).click();
  await expect(page).toHaveURL(/\/invoices\/2026-0004$/);
  await expect(page.getByTestId("notice")).toContainText("Uw bezwaar is ontvangen");
  await expect(page.getByTestId("dispute-status")).toHaveText("In behandeling");
  await expect(page.getByText("geen herinneringen")).toBeVisible();
  await expect(page.getByTestId("dispute-link")).toHaveCount(0);
});

test("a debtor books a callback, sees it confirmed, and cancels it", async ({ page }, info) => {
  await login(page, info);
  await expect(page).toHaveURL(/\/$/);
  await page.getByRole("link", { name: "Terugbellen" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Bel mij terug");
  await ready(page, info);
  await page.getByLabel("Op welk nummer bellen wij u?").fill("12");
  await page.getByRole("button", { name: "Bel mij terug" }).click();
  await expect(page.locator("#f-topic-error")).toHaveText("Kies een onderwerp.");
  await expect(page.locator("#f-callback-phone-error")).toHaveText("Dit is geen geldig telefoonnummer.");

  await ready(page, info);
  await page.getByLabel("Een betalingsregeling").check();
  await page.getByLabel("Op welk nummer bellen wij u?").fill("06 1234 5678");
  const slot = page.locator("#f-slot");
  const first = await slot.locator("option").first().getAttribute("value");
  await slot.selectOption(first!);
  await page.getByRole("button", { name: "Bel mij terug" }).click();
  await expect(page.getByTestId("notice")).toContainText("Uw terugbelafspraak staat");
  await expect(page.getByTestId("booked-when")).toBeVisible();

  await ready(page, info);
  await page.getByRole("button", { name: "Annuleren" }).click();
  await expect(page.getByTestId("notice")).toContainText("Uw afspraak is geannuleerd");
  await expect(page.getByTestId("booked")).toHaveCount(0);
});

test("a debtor agrees a 3-instalment plan and pays the first instalment", async ({ page }, info) => {
  await login(page, info, "other@settle.test");
  await expect(page).toHaveURL(/\/$/);
  await page.goto("/invoices/2026-1002");
  await ready(page, info);
  await page.getByTestId("plan-link").click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Betalingsregeling");
  await ready(page, info);
  const first = new Date(Date.now() + 7 * 86400000).toISOString().slice(0, 10);
  await page.getByLabel("Aantal termijnen").selectOption("3");
  await page.getByLabel("Eerste betaaldatum").fill(first);
  await page.getByRole("button", { name: "Toon het schema" }).click();
  await expect(page.getByTestId("schedule").locator("tr")).toHaveCount(3);
  await ready(page, info);
  await page.getByRole("button", { name: "Akkoord, regeling afsluiten" }).click();
  await expect(page).toHaveURL(/\/invoices\/2026-1002$/);
  await expect(page.getByTestId("notice")).toContainText("Uw betalingsregeling is afgesloten");
  await expect(page.getByTestId("plan").locator("tr")).toHaveCount(3);

  // Pay the first instalment online: the plan knows its amount.
  await ready(page, info);
  await page.getByTestId("pay-instalment").click();
  await expect(page).toHaveURL(/\/sandbox\/checkout\//);
  await page.getByRole("button", { name: "Betalen" }).click();
  await expect(page.getByTestId("outcome")).toHaveAttribute("data-outcome", "paid");
  await page.goto("/invoices/2026-1002");
  await expect(page.getByTestId("plan").locator("tr").first()).toContainText("✓");
});
