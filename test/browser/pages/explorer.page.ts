import type { Page } from 'playwright-core';
import { BasePage } from './base-page';

/** The disproportionality explorer: the filter form, the charts (each an SVG named by its title) and their tables. */
export class ExplorerPage extends BasePage {
  static async open(page: Page, query = ''): Promise<ExplorerPage> {
    await page.goto(`/explorer${query ? `?${query}` : ''}`);
    return new ExplorerPage(page);
  }

  async filter(values: { area: string; from: string; to: string; kind?: string; by?: string }): Promise<void> {
    await this.page.getByLabel('Area', { exact: true }).fill(values.area);
    await this.page.getByLabel('From month').fill(values.from);
    await this.page.getByLabel('To month').fill(values.to);
    if (values.kind) await this.page.getByLabel('Records').selectOption(values.kind);
    if (values.by) await this.page.getByLabel('Characteristic').selectOption(values.by);
    await Promise.all([this.page.waitForNavigation(), this.page.getByRole('button', { name: 'Show figures' }).click()]);
  }

  /** The accessible names of the charts on the page (role img). */
  chartNames(): Promise<string[]> {
    return this.page
      .locator('svg[role="img"]')
      .evaluateAll((svgs) => svgs.map((s) => s.querySelector('title')?.textContent ?? ''));
  }

  /** The local authorities drawn on the map, each area's <title>. */
  mapAreas(): Promise<string[]> {
    return this.page.locator('#chart-map-figure path title').allTextContents();
  }

  /** The rows of a table by its caption's start: each row's cells. */
  async table(caption: string): Promise<string[][]> {
    const table = this.page.locator('table', { has: this.page.locator('caption', { hasText: caption }) }).first();
    const rows = table.locator('tbody tr');
    const out: string[][] = [];
    for (let i = 0; i < (await rows.count()); i++) out.push(await rows.nth(i).locator('th, td').allInnerTexts());
    return out;
  }

  async startFinding(): Promise<void> {
    await Promise.all([
      this.page.waitForNavigation(),
      this.page.getByRole('button', { name: 'Record a finding from these figures' }).click(),
    ]);
  }

  async recordFinding(values: { title?: string; narrative: string; actions?: string }): Promise<void> {
    if (values.title !== undefined) await this.page.getByLabel('Title').fill(values.title);
    await this.page.getByLabel('What the figures show').fill(values.narrative);
    if (values.actions) await this.page.getByLabel('Actions (optional)').fill(values.actions);
    await Promise.all([
      this.page.waitForNavigation(),
      this.page.getByRole('button', { name: 'Record finding' }).click(),
    ]);
  }
}
