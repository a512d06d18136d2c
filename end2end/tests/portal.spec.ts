import { expect, test } from "@playwright/test";
import { jsOn, lastMailTo, linkIn, login, ready } from "./helpers";

test("a debtor logs in, sees invoices, opens one with its QR code, switches language, logs out", async ({ page }, info) => {
  await login(page, info);
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Jan de Vries");
  await expect(page.getByTestId("total-due")).toContainText("€");

  await page.getByRole("link", { name: "Facturen" }).first().click();
  await expect(page).toHaveURL(/\/invoices$/);
  const items = page.getByTestId("invoice-list").locator("li");
  await expect(items).toHaveCount(6);
  await expect(items.first()).toContainText("Achterstallig");

  await page.getByRole("link", { name: /2026-0002/ }).click();
  await expect(page).toHaveURL(/\/invoices\/2026-0002$/);
  await expect(page.getByTestId("pay-iban")).toHaveText("NL91 ABNA 0417 1643 00");
  await expect(page.getByTestId("pay-reference")).toHaveText(/^RF\d\d( \w{1,4})+$/);
  await expect(page.getByTestId("epc-qr").locator("img")).toBeVisible();
  // The code is an image drawn by the server; it loaded (a broken image has no natural width).
  await page.getByTestId("epc-qr").locator("img").scrollIntoViewIfNeeded();
  await expect
    .poll(() => page.getByTestId("epc-qr").locator("img").evaluate((i: HTMLImageElement) => i.naturalWidth))
    .toBeGreaterThan(0);
  await expect(page.getByTestId("pay-amount")).toHaveText("€\u00a0132,45");

  await ready(page, info);
  await page.getByTestId("lang-select").selectOption("en");
  await page.getByRole("button", { name: "Wijzig taal" }).click();
  await expect(page.getByRole("heading", { level: 2, name: "How to pay" })).toBeVisible();
  await expect(page.getByTestId("pay-amount")).toHaveText("€132.45");
  await expect(page.locator("html")).toHaveAttribute("lang", "en");

  await page.getByTestId("logout").click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByTestId("notice")).toHaveText("You have logged out.");
  await page.goto("/invoices");
  await expect(page).toHaveURL(/\/login\?next=%2Finvoices|\/login\?next=\/invoices/);
});

test("with JavaScript the IBAN and the reference copy for a banking app; without, they are plain text", async ({ page, context }, info) => {
  await login(page, info);
  await expect(page).toHaveURL(/\/$/);
  await page.goto("/invoices/2026-0002");
  await ready(page, info);
  // Open until the payment journeys below pay it.
  await expect(page.locator("button.copy")).toHaveCount(2);
  if (!jsOn(info)) {
    await expect(page.locator("button.copy").first()).toBeHidden();
    await expect(page.getByTestId("pay-iban")).toHaveText("NL91 ABNA 0417 1643 00");
    return;
  }
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.getByRole("button", { name: "Kopieer IBAN" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Gekopieerd" })).toHaveCount(1);
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe("NL91ABNA0417164300");
  await page.getByRole("button", { name: "Kopieer Betalingskenmerk" }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toMatch(/^RF\d\d\w+$/);
});

test("a wrong password shows the error at the form and keeps the email", async ({ page }, info) => {
  await login(page, info, "demo@settle.test", "not-the-password");
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByTestId("form-error")).toHaveText("E-mailadres of wachtwoord klopt niet.");
  await expect(page.locator("form[action='/login'] input[name=email]")).toHaveValue("demo@settle.test");
});

test("an invalid email is explained next to the field", async ({ page }, info) => {
  await login(page, info, "not-an-email", "whatever");
  const field = page.locator("form[action='/login'] input[name=email]");
  await expect(field).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#f-email-error")).toContainText("geldig e-mailadres");
});

test("a debtor cannot open another debtor's invoice", async ({ page }, info) => {
  await login(page, info, "other@settle.test");
  const res = await page.goto("/invoices/2026-0002");
  expect(res?.status()).toBe(404);
  await expect(page.getByTestId("not-found")).toBeVisible();
});

test("activation by customer number and postcode sets a password and logs in", async ({ page }, info) => {
  await page.goto("/activate");
  await ready(page, info);
  await page.locator("input[name=customer_number]").fill("100003");
  await page.locator("input[name=postcode]").fill("1234ab");
  await page.getByRole("button", { name: "Stuur activatielink" }).click();
  await expect(page.getByTestId("notice")).toContainText("Als de gegevens kloppen");

  const link = linkIn(await lastMailTo(page, "kees@settle.test"));
  await page.goto(link);
  await ready(page, info);
  await page.locator("input[name=password]").fill("kort");
  await page.locator("input[name=confirm]").fill("kort");
  await page.getByRole("button", { name: "Wachtwoord opslaan" }).click();
  await expect(page.locator("#f-password-error")).toContainText("minstens 8 tekens");

  await page.locator("input[name=password]").fill("paarse olifant danst " + info.project.name);
  await page.locator("input[name=confirm]").fill("paarse olifant danst " + info.project.name);
  await page.getByRole("button", { name: "Wachtwoord opslaan" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId("notice")).toHaveText("Uw wachtwoord is opgeslagen.");
});

test("a payment link shows one invoice, and a code steps up to the portal", async ({ page }, info) => {
  await page.goto("/pay/demo-pay-link-7f3c9a1e5b2d4f60a8c1e9d7");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("2026-0002");
  await expect(page.getByText("J** d* V****")).toBeVisible();
  await expect(page.getByTestId("epc-qr").locator("img")).toBeVisible();
  // The code is an image drawn by the server; it loaded (a broken image has no natural width).
  await page.getByTestId("epc-qr").locator("img").scrollIntoViewIfNeeded();
  await expect
    .poll(() => page.getByTestId("epc-qr").locator("img").evaluate((i: HTMLImageElement) => i.naturalWidth))
    .toBeGreaterThan(0);
  await expect(page.getByRole("link", { name: "Facturen" })).toHaveCount(0);

  await ready(page, info);
  await page.getByRole("button", { name: "Stuur mij een code" }).click();
  await expect(page.getByText("d***@settle.test")).toBeVisible();
  await page.locator("input[name=code]").fill("000000");
  await page.getByRole("button", { name: "Bevestigen" }).click();
  await expect(page.locator("#f-code-error")).toHaveText("Deze code klopt niet.");

  // Read the mail in another tab so this page keeps its code form.
  const outbox = await page.context().newPage();
  const code = (await lastMailTo(outbox, "demo@settle.test")).match(/\b(\d{6})\b/)![1];
  await outbox.close();
  await page.locator("input[name=code]").fill(code);
  await page.getByRole("button", { name: "Bevestigen" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByText("betaallink")).toBeVisible();
});

test("an unknown payment link is a plain not-found page", async ({ page }) => {
  const res = await page.goto("/pay/not-a-real-token");
  expect(res?.status()).toBe(404);
});

test("the code from a paper letter, typed at /code, opens that invoice's payment page", async ({ page }, info) => {
  await page.goto("/login");
  await page.getByRole("link", { name: "Brief ontvangen? Typ uw code" }).click();
  await expect(page).toHaveURL(/\/code$/);
  await ready(page, info);
  await page.getByLabel("Code", { exact: true }).fill("DEMO1-CODE3");
  await page.getByRole("button", { name: "Verder" }).click();
  await expect(page.locator("#f-code-error")).toContainText("Deze code kennen wij niet");
  await expect(page.getByLabel("Code", { exact: true })).toHaveValue("DEMO1-CODE3");
  await page.getByLabel("Code", { exact: true }).fill("demo1-code2");
  await page.getByRole("button", { name: "Verder" }).click();
  await expect(page).toHaveURL(/\/pay\/DEM01C0DE2$/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("2026-0002");
});

test("a debtor pays an invoice online with the sandbox provider and sees it paid", async ({ page }, info) => {
  await login(page, info);
  await page.goto("/invoices/2026-0003");
  await ready(page, info);
  await page.getByTestId("pay-online").click();
  await expect(page).toHaveURL(/\/sandbox\/checkout\//);
  await expect(page.getByText("TESTMODUS")).toBeVisible();
  await page.getByRole("button", { name: "Betalen" }).click();
  await expect(page).toHaveURL(/\/pay\/return\//);
  await expect(page.getByTestId("outcome")).toHaveAttribute("data-outcome", "paid");
  await page.goto("/invoices/2026-0003");
  await expect(page.locator(".badge")).toHaveText("Betaald");
  await expect(page.getByTestId("open-amount")).toHaveText("€\u00a00,00");
});

test("several invoices are selected and paid together from the list", async ({ page }, info) => {
  await login(page, info);
  await page.goto("/invoices");
  await ready(page, info);
  await page.getByLabel("Selecteer Factuur 2026-0005").check();
  await page.getByLabel("Selecteer Factuur 2026-0006").check();
  await page.getByTestId("pay-selected").click();
  await expect(page).toHaveURL(/\/sandbox\/checkout\//);
  await expect(page.locator(".amount")).toHaveText("€\u00a0154,40");
  await page.getByRole("button", { name: "Betalen" }).click();
  await expect(page.getByTestId("outcome")).toHaveAttribute("data-outcome", "paid");
});

test("a payment link is paid online without logging in", async ({ page }, info) => {
  await page.goto("/pay/demo-pay-link-7f3c9a1e5b2d4f60a8c1e9d7");
  await ready(page, info);
  await page.getByTestId("pay-online").click();
  await expect(page).toHaveURL(/\/sandbox\/checkout\//);
  await page.getByRole("button", { name: "Betalen" }).click();
  await expect(page.getByTestId("outcome")).toHaveAttribute("data-outcome", "paid");
  await page.goto("/pay/demo-pay-link-7f3c9a1e5b2d4f60a8c1e9d7");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("niet gevonden");
});
