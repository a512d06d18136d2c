import { Browser, expect, Page, test, TestInfo } from "@playwright/test";
import { lastMailTo, login, ready, totp } from "./helpers";

/** Signs in as the demo agent (no second factor) in a browser of its own. */
async function agent(browser: Browser, info: TestInfo): Promise<Page> {
  const ctx = await browser.newContext({
    javaScriptEnabled: info.project.use.javaScriptEnabled,
    baseURL: info.project.use.baseURL,
    locale: "nl-NL",
    viewport: { width: 390, height: 844 },
  });
  const page = await ctx.newPage();
  await page.goto("/backoffice");
  await expect(page).toHaveURL(/\/backoffice\/login/);
  await ready(page, info);
  await page.getByLabel("E-mailadres").fill("agent@settle.test");
  await page.getByLabel("Wachtwoord").fill("demo-password-1");
  await page.getByRole("button", { name: "Inloggen" }).click();
  await expect(page).toHaveURL(/\/backoffice$/);
  await expect(page.getByTestId("staff-who")).toContainText("Anna Agent");
  return page;
}

test("an agent works a callback: claims it and logs a promise to pay", async ({ page, browser }, info) => {
  await login(page, info, "other@settle.test");
  await page.goto("/callback");
  await ready(page, info);
  await page.getByLabel("Een betalingsregeling").check();
  await page.getByLabel("Op welk nummer bellen wij u?").fill("06 1234 5678");
  const slot = page.locator("#f-slot");
  await slot.selectOption((await slot.locator("option").first().getAttribute("value"))!);
  await page.getByRole("button", { name: "Bel mij terug" }).click();
  await expect(page.getByTestId("notice")).toContainText("Uw terugbelafspraak staat");

  const staff = await agent(browser, info);
  await expect(staff.getByTestId("count-callbacks")).toContainText("1");
  await staff.getByTestId("count-callbacks").click();
  const card = staff.getByTestId("callback").first();
  await expect(card).toContainText("+31612345678");
  await ready(staff, info);
  await card.getByRole("button", { name: "Oppakken" }).click();
  await expect(staff.getByTestId("notice")).toContainText("U heeft dit verzoek opgepakt");
  await ready(staff, info);
  const claimed = staff.getByTestId("callback").first();
  await claimed.getByLabel("Betaalbelofte").check();
  const inAWeek = new Date(Date.now() + 7 * 86400000).toISOString().slice(0, 10);
  await claimed.getByLabel("Belooft te betalen op").fill(inAWeek);
  await claimed.getByLabel("Toelichting").fill("Betaalt na het salaris");
  await claimed.getByRole("button", { name: "Afsluiten" }).click();
  await expect(staff.getByTestId("notice")).toContainText("Terugbelverzoek afgesloten");
  await expect(staff.getByText("Geen open terugbelverzoeken.")).toBeVisible();
});

test("a dispute accepted by staff, with the invoice cancelled, stops dunning", async ({ page, browser }, info) => {
  await login(page, info, "other@settle.test");
  await page.goto("/invoices/2026-1001");
  await ready(page, info);
  await page.getByTestId("dispute-link").click();
  await ready(page, info);
  await page.getByLabel("Het bedrag klopt niet").check();
  await page.getByLabel("Uw toelichting").fill("Ik ben per 1 oktober overgestapt.");
  await page.getByRole("button", { name: "Bezwaar indienen" }).click();
  await expect(page.getByTestId("dispute-status")).toHaveText("In behandeling");

  const staff = await agent(browser, info);
  await staff.getByRole("link", { name: "Bezwaren", exact: true }).click();
  const card = staff.getByTestId("dispute").filter({ hasText: "overgestapt" });
  await expect(card).toContainText("2026-1001");
  await ready(staff, info);
  // Refusing without an explanation is not possible.
  await card.getByLabel("Afwijzen").check();
  await card.getByRole("button", { name: "Besluit opslaan" }).click();
  await expect(staff.getByRole("alert")).toContainText("Dit veld is verplicht");
  await ready(staff, info);
  const again = staff.getByTestId("dispute").filter({ hasText: "overgestapt" });
  await again.getByLabel("Toekennen en factuur vervallen").check();
  await again.getByLabel("Uitleg voor de klant").fill("U heeft gelijk; de factuur vervalt.");
  await again.getByRole("button", { name: "Besluit opslaan" }).click();
  await expect(staff.getByTestId("notice")).toContainText("Besluit opgeslagen");

  await page.goto("/invoices/2026-1001");
  await expect(page.getByText("U heeft gelijk; de factuur vervalt.")).toBeVisible();
  await expect(page.locator(".badge").first()).toHaveText("Vervallen");
});

const camt = (cents: number, text: string) => `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>E2E</MsgId><CreDtTm>2026-11-21T18:00:00+01:00</CreDtTm></GrpHdr>
<Stmt><Id>E2E1</Id><CreDtTm>2026-11-21T18:00:00+01:00</CreDtTm>
<Acct><Id><IBAN>NL91ABNA0417164300</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Ntry><Amt Ccy="EUR">${(cents / 100).toFixed(2)}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>2026-11-21</Dt></BookgDt><ValDt><Dt>2026-11-21</Dt></ValDt><AcctSvcrRef>E2E-1</AcctSvcrRef><NtryDtls>
<TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs><AmtDtls><TxAmt><Amt Ccy="EUR">${(cents / 100).toFixed(2)}</Amt></TxAmt></AmtDtls>
<RltdPties><Dbtr><Nm>K. Bakker</Nm></Dbtr><DbtrAcct><Id><IBAN>NL20INGB0001234567</IBAN></Id></DbtrAcct></RltdPties>
<RmtInf><Ustrd>${text}</Ustrd></RmtInf></TxDtls>
</NtryDtls></Ntry></Stmt></BkToCstmrStmt></Document>
`;

test("a statement's unmatched payment, allocated by staff, marks the invoice paid", async ({ browser }, info) => {
  const staff = await agent(browser, info);
  await staff.getByRole("link", { name: "Afschriften" }).click();
  await ready(staff, info);
  await staff.getByLabel("Afschrift").setInputFiles({
    name: "afschrift.xml",
    mimeType: "application/xml",
    buffer: Buffer.from(camt(38500, "eigen risico kees bakker")),
  });
  await staff.getByRole("button", { name: "Inlezen" }).click();
  await expect(staff.getByTestId("notice")).toContainText("Afschrift ingelezen");
  await expect(staff.getByTestId("statement-result")).toContainText("Niet gematcht");

  await staff.getByRole("link", { name: "Betalingen" }).click();
  const card = staff.getByTestId("unmatched").filter({ hasText: "eigen risico kees bakker" });
  await expect(card).toContainText("2026-2001");
  await ready(staff, info);
  await card.getByRole("button", { name: "Toewijzen" }).click();
  await expect(staff.getByTestId("notice")).toContainText("Betaling toegewezen");

  await staff.goto("/backoffice/debtors?q=2026-2001");
  await staff.getByRole("link", { name: "Kees Bakker" }).click();
  await expect(staff.locator("tr[data-invoice='2026-2001'] .badge")).toHaveText("Betaald");
});

test("an admin changes a reminder's text, checked and previewed, and sends it to themself", async ({ browser }, info) => {
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
  await expect(page).toHaveURL(/\/backoffice\/login\/code/);
  await ready(page, info);
  await page.getByLabel("Code").fill(totp("SETTLEDEMOADMINTOTPSECRET2345672"));
  await page.getByRole("button", { name: "Bevestigen" }).click();
  await expect(page.getByTestId("staff-who")).toContainText("Adam Admin");

  await page.getByRole("link", { name: "Teksten" }).click();
  await page.locator("a[href='/backoffice/templates/reminder/email/nl']").click();
  await expect(page.getByLabel("Onderwerp")).toHaveValue(/Herinnering: factuur \{\{ invoice \}\}/);
  await ready(page, info);
  await page.getByLabel("Onderwerp").fill("Nog even dit: {{ factuur }}");
  await page.getByRole("button", { name: "Voorbeeld" }).click();
  await expect(page.getByTestId("error-body")).toContainText("Onbekende variabele: factuur");
  await ready(page, info);
  await page.getByLabel("Onderwerp").fill("Nog even dit: factuur {{ invoice }}");
  await page.getByRole("button", { name: "Voorbeeld" }).click();
  await expect(page.getByTestId("preview")).toContainText("Nog even dit: factuur 2026-0002");
  await ready(page, info);
  await page.getByRole("button", { name: "Opslaan" }).click();
  await expect(page.getByTestId("notice")).toContainText("Tekst opgeslagen");
  await expect(page.getByTestId("versions")).toContainText("Adam Admin");
  await ready(page, info);
  await page.getByRole("button", { name: "Stuur een test naar mij" }).click();
  await expect(page.getByTestId("notice")).toContainText("Test verstuurd");
  expect(await lastMailTo(page, "admin@settle.test")).toContain("Beste J. de Vries");
});
