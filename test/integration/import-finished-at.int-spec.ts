import { inImportTransaction } from '@scrutiny/records';
import { createTestApp, type TestApp } from '../setup/test-app';

/** Issue 15 point 8: an import's finished_at was now(), the start of its (long) transaction, not its end. */
describe('import finished_at', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('is the time the import ended, not the time its transaction began', async () => {
    const [{ id }] = await t.dataSource.query(
      `INSERT INTO imports (format, force_code, filename, status, started_at) VALUES ('police-uk', 'E23000003', 'slow.csv', 'running', now()) RETURNING id`,
    );
    let bodyEnded = 0;
    await inImportTransaction(t.dataSource, { importId: id }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 400));
      bodyEnded = Date.now();
      return { rowsRead: 0, rowsImported: 0, rowsDuplicate: 0 };
    });
    const [row] = await t.dataSource.query(`SELECT status, started_at, finished_at FROM imports WHERE id = $1`, [id]);
    expect(row.status).toBe('completed');
    expect(row.finished_at.getTime()).toBeGreaterThanOrEqual(bodyEnded - 50);
    expect(row.finished_at.getTime() - row.started_at.getTime()).toBeGreaterThanOrEqual(350);
  });
});
