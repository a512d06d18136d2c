const { chromium } = require("@playwright/test");
(async () => {
  const b = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
  const p = await b.newPage({ viewport: { width: 390, height: 844 } });
  const base = "http://127.0.0.1:3950";
  await p.goto(base + "/login");
  await p.fill("#f-email", "demo@settle.test");
  await p.fill("#f-password", "demo-password-1");
  await p.click("form:has(input[name=password]) button[type=submit]");
  await p.waitForLoadState("networkidle");
  await p.goto(base + "/profile");
  // say no to counting: untick and save
  await p.check("#f-tracking");
  await p.click("form[action='/profile/preferences'] button[type=submit]");
  await p.waitForLoadState("networkidle");
  await p.goto(base + "/profile");
  await p.click("[data-testid=consents] summary");
  await p.locator("[data-testid=consents]").scrollIntoViewIfNeeded();
  await p.screenshot({ path: "/tmp/demo/profile-nl.png", fullPage: false });
  await p.selectOption("select[name=lang]", "en");
  await p.click("form[action='/lang'] button");
  await p.waitForLoadState("networkidle");
  await p.goto(base + "/profile");
  await p.click("[data-testid=consents] summary");
  await p.locator("[data-testid=consents]").scrollIntoViewIfNeeded();
  await p.screenshot({ path: "/tmp/demo/profile-en.png", fullPage: false });
  await b.close();
})().catch(e => { console.error(e); process.exit(1); });
