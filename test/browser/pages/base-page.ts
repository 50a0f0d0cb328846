import type { Page } from 'playwright-core';
import { expectNoAxeViolations } from '../support/browser';

/** What every page of the workspace has: a heading, an error summary when a form is wrong, axe to pass. */
export class BasePage {
  constructor(readonly page: Page) {}

  heading(): Promise<string> {
    return this.page.locator('h1').first().innerText();
  }

  /** The error summary's entries, each with the field id it links to. */
  async errorSummary(): Promise<{ text: string; href: string }[]> {
    const links = this.page.locator('.govuk-error-summary__list a');
    const out: { text: string; href: string }[] = [];
    for (let i = 0; i < (await links.count()); i++) {
      const link = links.nth(i);
      out.push({ text: (await link.innerText()).trim(), href: (await link.getAttribute('href')) ?? '' });
    }
    return out;
  }

  /** The success or important banner's text, if there is one. */
  banner(): Promise<string | null> {
    return this.page
      .locator('.govuk-notification-banner__content')
      .first()
      .innerText()
      .catch(() => null);
  }

  async signOut(): Promise<void> {
    await Promise.all([this.page.waitForURL(/\/sign-in/), this.page.locator('.app-account-bar button').click()]);
  }

  expectAccessible(label?: string): Promise<void> {
    return expectNoAxeViolations(this.page, label);
  }
}
