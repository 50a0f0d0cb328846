import type { Page } from 'playwright-core';
import { BasePage } from './base-page';

/** Samples: the list, the draw form, and one sample (allocation, items, verify, issue). */
export class SamplesPage extends BasePage {
  static async open(page: Page, path = '/samples'): Promise<SamplesPage> {
    await page.goto(path);
    return new SamplesPage(page);
  }

  async draw(month: string, year: string, plan?: string): Promise<void> {
    await this.page.getByLabel('Month', { exact: true }).fill(month);
    await this.page.getByLabel('Year', { exact: true }).fill(year);
    if (plan) await this.page.getByLabel(plan).check();
    await Promise.all([
      this.page.waitForNavigation(),
      this.page.getByRole('button', { name: 'Draw the sample' }).click(),
    ]);
  }

  /** The summary list, key → value. */
  async summary(): Promise<Record<string, string>> {
    const keys = await this.page.locator('.govuk-summary-list__key').allInnerTexts();
    const values = await this.page.locator('.govuk-summary-list__value').allInnerTexts();
    return Object.fromEntries(keys.map((k, i) => [k.trim(), values[i].trim()]));
  }

  /** The rows of the table with this caption (visible or not), cells as shown. */
  async table(caption: string): Promise<string[][]> {
    const table = this.page.locator('table', { has: this.page.locator('caption', { hasText: caption }) });
    const rows = table.locator('tbody tr');
    const out: string[][] = [];
    for (let i = 0; i < (await rows.count()); i++) out.push(await rows.nth(i).locator('td').allInnerTexts());
    return out;
  }

  async verify(): Promise<void> {
    await Promise.all([
      this.page.waitForNavigation(),
      this.page.getByRole('button', { name: 'Verify the draw' }).click(),
    ]);
  }

  async issue(): Promise<void> {
    await Promise.all([
      this.page.waitForNavigation(),
      this.page.getByRole('button', { name: 'Issue the sample' }).click(),
    ]);
  }
}
