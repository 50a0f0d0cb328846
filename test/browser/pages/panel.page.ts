import type { Page } from 'playwright-core';
import { BasePage } from './base-page';

/** What the focused element is, as the keyboard tests read it (reading is not interacting). */
interface Focused {
  tag: string;
  type: string;
  name: string;
  value: string;
  text: string;
  id: string;
  /** For a radio or checkbox: whether any of its group (same name) is ticked. */
  groupChosen: boolean;
  empty: boolean;
}

function focused(page: Page): Promise<Focused> {
  return page.evaluate(() => {
    const doc = (
      globalThis as unknown as { document: { activeElement: unknown; querySelectorAll(s: string): unknown[] } }
    ).document;
    const el = doc.activeElement as {
      tagName: string;
      type?: string;
      name?: string;
      value?: string;
      innerText?: string;
      id?: string;
    } | null;
    const name = el?.name ?? '';
    const group = name
      ? (Array.from(doc.querySelectorAll(`input[name="${name.replace(/"/g, '\\"')}"]`)) as { checked: boolean }[])
      : [];
    return {
      tag: (el?.tagName ?? '').toLowerCase(),
      type: el?.type ?? '',
      name,
      value: el?.value ?? '',
      text: (el?.innerText ?? '').trim(),
      id: el?.id ?? '',
      groupChosen: group.some((g) => g.checked),
      empty: !(el?.value ?? ''),
    };
  });
}

/** Presses Tab until the focused element matches (at most `max` presses). */
export async function tabTo(page: Page, match: (f: Focused) => boolean, max = 400): Promise<Focused> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (match(f)) return f;
  }
  throw new Error('Tab never reached the element');
}

/** Tab to a link or button by its words and press Enter, waiting for the page it leads to. */
export async function activate(page: Page, text: string | RegExp): Promise<void> {
  await tabTo(
    page,
    (f) => (f.tag === 'a' || f.tag === 'button') && (typeof text === 'string' ? f.text === text : text.test(f.text)),
  );
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
}

/**
 * Answers the review form with the keyboard only, as a volunteer without a mouse would: Tab through it, Space to
 * choose the first answer of each question not yet answered (and the first theme), a few words in each empty text box,
 * then Tab to the submit button and Enter.
 */
export async function rateWithKeyboard(page: Page, submitText: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (f.tag === 'button' && f.text === submitText) {
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
      return;
    }
    if (f.tag === 'input' && (f.type === 'radio' || f.type === 'checkbox') && !f.groupChosen)
      await page.keyboard.press('Space');
    else if (f.tag === 'textarea' && f.empty) await page.keyboard.type('Seen on the record and the footage');
  }
  throw new Error('The form never reached its submit button');
}

/**
 * Answers the review form by pointer (for the JavaScript-off run and the chair): the first answer of each question
 * shown and not yet answered, the first theme, words in each empty text box.
 */
export async function answerForm(page: Page, form = 'form[action$="/rating"]'): Promise<void> {
  for (let round = 0; round < 100; round++) {
    const name = await page.evaluate((selector) => {
      const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): unknown[] } }).document;
      const inputs = Array.from(
        doc.querySelectorAll(`${selector} input[type=radio], ${selector} input[type=checkbox]`),
      ) as {
        name: string;
        checked: boolean;
        offsetParent: unknown;
      }[];
      const open = inputs.filter((i) => i.offsetParent !== null);
      const unanswered = open.find((i) => !inputs.some((j) => j.name === i.name && j.checked));
      return unanswered?.name ?? null;
    }, form);
    if (!name) break;
    await page.locator(`${form} input[name="${name}"]`).first().check();
  }
  const boxes = page.locator(`${form} textarea`);
  for (let i = 0; i < (await boxes.count()); i++) {
    const box = boxes.nth(i);
    if ((await box.isVisible()) && !(await box.inputValue())) await box.fill('Seen on the record and the footage');
  }
}

export class PanelPage extends BasePage {
  static async open(page: Page, path: string): Promise<PanelPage> {
    await page.goto(path);
    return new PanelPage(page);
  }

  /** Clicks a button or link by its words and waits for the next page. */
  async follow(name: string | RegExp, role: 'link' | 'button' = 'link'): Promise<void> {
    await Promise.all([this.page.waitForNavigation(), this.page.getByRole(role, { name }).first().click()]);
  }

  text(): Promise<string> {
    return this.page.locator('main').innerText();
  }
}
