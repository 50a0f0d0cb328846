import type { Page } from 'playwright-core';
import { BasePage } from './base-page';

/** My reviews: the tabs (due, overdue, done), the month filter and the table. */
export class ReviewsPage extends BasePage {
  static async open(page: Page, query = ''): Promise<ReviewsPage> {
    await page.goto(`/reviews${query}`);
    return new ReviewsPage(page);
  }

  tabs(): Promise<string[]> {
    return this.page.locator('.moj-sub-navigation__link').allInnerTexts();
  }

  async showTab(name: 'Due' | 'Overdue' | 'Done'): Promise<void> {
    await Promise.all([
      this.page.waitForNavigation(),
      this.page.locator('.moj-sub-navigation__link', { hasText: name }).click(),
    ]);
  }

  /** Each row's cells, as shown. */
  async rows(): Promise<string[][]> {
    const rows = this.page.locator('.govuk-table__body .govuk-table__row');
    const out: string[][] = [];
    for (let i = 0; i < (await rows.count()); i++) out.push(await rows.nth(i).locator('td').allInnerTexts());
    return out;
  }

  async openReview(index = 0): Promise<void> {
    await Promise.all([this.page.waitForNavigation(), this.page.locator('.govuk-table__body a').nth(index).click()]);
  }
}
