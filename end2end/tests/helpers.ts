import { expect, Page, TestInfo } from "@playwright/test";

export const jsOn = (info: TestInfo) => info.project.name === "js";

/** With JavaScript, wait until the page has hydrated (clicks before that are lost). */
export async function ready(page: Page, info: TestInfo) {
  if (jsOn(info)) {
    await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  }
}

export async function login(page: Page, info: TestInfo, email = "demo@settle.test", password = "demo-password-1") {
  await page.goto("/login");
  await ready(page, info);
  await page.locator("form[action='/login'] input[name=email]").fill(email);
  await page.locator("form[action='/login'] input[name=password]").fill(password);
  await page.locator("form[action='/login'] button[type=submit]").click();
}

/** The newest mail to an address in the dev outbox (mails are delivered there within ~2 s). */
export async function lastMailTo(page: Page, to: string): Promise<string> {
  for (let i = 0; i < 20; i++) {
    await page.goto("/dev/outbox");
    const mail = page.locator("[data-testid=mail]", { hasText: to }).first();
    if (await mail.count()) return (await mail.locator(".body").innerText());
    await page.waitForTimeout(250);
  }
  throw new Error(`no mail to ${to}`);
}

export function linkIn(body: string): string {
  const m = body.match(/https?:\/\/\S+/);
  if (!m) throw new Error("no link in mail");
  const u = new URL(m[0]);
  return u.pathname + u.search;
}

/** The current TOTP code (RFC 6238: SHA-1, six digits, 30 s) for a base32 secret. */
export function totp(secret: string, at = Date.now()): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of secret.replace(/\s|=/g, "").toUpperCase()) {
    bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  }
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const h = require("crypto").createHmac("sha1", key).update(counter).digest() as Buffer;
  const o = h[h.length - 1] & 0xf;
  const n = ((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
  return String(n % 1_000_000).padStart(6, "0");
}
