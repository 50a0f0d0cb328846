import type { Page } from 'playwright-core';
import { BasePage } from './base-page';

/** One review: the record in words beside the review form. */
export class ReviewPage extends BasePage {
  static async open(page: Page, itemId: string): Promise<ReviewPage> {
    await page.goto(`/reviews/${itemId}`);
    return new ReviewPage(page);
  }

  /** The record's summary list, "key: value" per row. */
  async record(): Promise<Record<string, string>> {
    const keys = await this.page.locator('.app-review-layout__record .govuk-summary-list__key').allInnerTexts();
    const values = await this.page.locator('.app-review-layout__record .govuk-summary-list__value').allInnerTexts();
    return Object.fromEntries(keys.map((k, i) => [k.trim(), values[i].trim()]));
  }

  clipHolds(): Promise<string[]> {
    return this.page.locator('.app-review-layout__record .govuk-table__body .govuk-tag').allInnerTexts();
  }

  /** Chooses an answer to a question, both named as the page shows them. */
  async answer(question: string, answer: string): Promise<void> {
    const group = this.page.getByRole('group', { name: question, exact: true });
    await group.getByLabel(answer, { exact: true }).check();
  }

  async write(question: string, text: string): Promise<void> {
    await this.page.getByLabel(question, { exact: true }).fill(text);
  }

  /** Answers every question from a complete form (the definition's shape): radios by value, text by name. */
  async fillFrom(form: object, prefix = ''): Promise<void> {
    for (const [key, value] of Object.entries(form)) {
      const name = `${prefix}${key}`;
      if (value === null && key === 'useOfForce') await this.page.check(`input[name="${name}.used"][value="no"]`);
      else if (value && typeof value === 'object' && !Array.isArray(value)) await this.fillFrom(value, `${name}.`);
      else if (typeof value === 'string') {
        const radio = this.page.locator(`input[type="radio"][name="${name}"][value="${value}"]`);
        if (await radio.count()) await radio.check();
        else await this.page.locator(`[name="${name}"]`).fill(value);
      }
    }
  }

  async saveDraft(): Promise<void> {
    await Promise.all([this.page.waitForNavigation(), this.page.getByRole('button', { name: 'Save draft' }).click()]);
  }

  async submit(): Promise<void> {
    await Promise.all([
      this.page.waitForNavigation(),
      this.page.getByRole('button', { name: 'Submit review' }).click(),
    ]);
  }

  /** Follows an error summary link and answers the id of the element that has the focus. */
  async followError(index = 0): Promise<string | null> {
    await this.page.locator('.govuk-error-summary__list a').nth(index).click();
    return this.page.evaluate(
      () =>
        (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id ??
        null,
    );
  }
}
