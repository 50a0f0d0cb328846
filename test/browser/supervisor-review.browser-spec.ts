import { EXAMPLE_REVIEW_FORM } from '@scrutiny/review';
import { describeInBrowser, startBrowserHarness, type BrowserHarness } from './support/browser';
import { sampleWithReviews } from './support/fixtures';
import { ReviewPage } from './pages/review.page';
import { ReviewsPage } from './pages/reviews.page';
import { SignInPage } from './pages/sign-in.page';

describeInBrowser('supervisor journey in a browser: a review from the list to submission', () => {
  let h: BrowserHarness;
  let itemIds: string[];
  beforeAll(async () => {
    h = await startBrowserHarness();
    ({ itemIds } = await sampleWithReviews(h.t, { size: 3 }));
  }, 90_000);
  afterAll(() => h?.close());

  const signIn = async (javaScriptEnabled = true) => {
    const { page } = await h.newPage({ javaScriptEnabled });
    await SignInPage.signInAs(page, h.t, 'supervisor');
    return page;
  };

  it('completes a review: the list, the record in words, errors linked to each question, a draft, submission', async () => {
    const page = await signIn();
    expect(new URL(page.url()).pathname).toBe('/reviews');
    const list = new ReviewsPage(page);
    expect(await list.heading()).toBe('My reviews');
    expect(await list.tabs()).toEqual(['Due (3)', 'Overdue (0)', 'Done (0)']);
    const [first] = await list.rows();
    expect(first[0]).toMatch(/^Stop search/);
    expect(first.slice(1, 3)).toEqual(['May 2024', 'Chosen at random']);
    await list.expectAccessible('my reviews');

    await list.openReview(0);
    const review = new ReviewPage(page);
    expect(await review.heading()).toBe('Stop search review');
    const record = await review.record();
    expect(record['Power used']).toBe('Misuse of Drugs Act 1971 (section 23)');
    expect(record['Date and time']).toMatch(/^\d{1,2} May 2024, \d\d:\d\d$/);
    // The area by its name, not its code.
    expect(record.Area).not.toMatch(/^E\d{8}$/);
    expect(await review.clipHolds()).toEqual(['No hold yet']);
    await review.expectAccessible('review page');

    await review.answer('Body-worn video available', 'Available in full');
    await review.submit();
    const errors = await review.errorSummary();
    expect(errors[0]).toEqual({
      text: 'Answer “Body-worn video activated before contact”',
      href: '#bwv-activatedBeforeContact',
    });
    expect(errors.length).toBeGreaterThan(10);
    expect(await page.title()).toMatch(/^Error: /);
    expect(await review.followError(0)).toBe('bwv-activatedBeforeContact');
    await review.expectAccessible('review page with errors');

    await review.saveDraft();
    expect(await review.banner()).toContain('Your draft has been saved');
    await review.fillFrom(EXAMPLE_REVIEW_FORM);
    await review.submit();
    expect(new URL(page.url()).search).toBe('?status=done&submitted=1');
    expect(await list.banner()).toContain('Your review has been submitted');
    expect(await list.tabs()).toEqual(['Due (2)', 'Overdue (0)', 'Done (1)']);
    await list.expectAccessible('done reviews');
    const [row] = await h.t.dataSource.query(`SELECT status, form FROM sample_reviews WHERE item_id = $1`, [
      (await page.locator('.govuk-table__body a').first().getAttribute('href'))!.split('/').pop(),
    ]);
    expect(row.status).toBe('completed');
    expect(row.form).toMatchObject({ bwv: { availability: 'full' }, useOfForce: null });
  });

  it('completes a review with JavaScript off (every question visible, the same outcome)', async () => {
    const page = await signIn(false);
    const review = await ReviewPage.open(page, itemIds[2]);
    await review.expectAccessible('review page without JavaScript');
    await review.fillFrom(EXAMPLE_REVIEW_FORM);
    await review.submit();
    expect(new URL(page.url()).search).toBe('?status=done&submitted=1');
    const [row] = await h.t.dataSource.query(`SELECT status FROM sample_reviews WHERE item_id = $1`, [itemIds[2]]);
    expect(row.status).toBe('completed');
  });

  it('refuses a review posted without the CSRF token', async () => {
    const page = await signIn();
    const res = await page.context().request.post(`/reviews/${itemIds[1]}`, {
      form: { _version: '1', _action: 'submit', 'bwv.availability': 'full' },
      maxRedirects: 0,
    });
    expect(res.status()).toBe(403);
    const [row] = await h.t.dataSource.query(`SELECT status, form FROM sample_reviews WHERE item_id = $1`, [
      itemIds[1],
    ]);
    expect(row.form).toBeNull();
  });
});
