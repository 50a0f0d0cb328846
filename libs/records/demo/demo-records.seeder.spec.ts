import type { DataSource } from 'typeorm';
import type { AppConfig, Logger } from '@scrutiny/core';
import type { ImportsService, ImportView } from '../imports/imports.service';
import { DemoRecordsSeeder } from './demo-records.seeder';

function view(over: Partial<ImportView>): ImportView {
  return {
    id: '0190a000-0000-7000-8000-000000000001',
    format: 'vehicle-stops',
    force: { code: 'E23000003', name: 'Lancashire', policeUkId: 'lancashire' },
    filename: 'demo-vehicle-stops.csv',
    sourceMonth: null,
    status: 'completed',
    rowsRead: 3,
    rowsImported: 3,
    rowsUpdated: 0,
    rowsDuplicate: 0,
    rowsRejected: 0,
    rowsWithNotices: 0,
    rejected: [],
    rejectedTruncated: false,
    notices: [],
    noticesTruncated: false,
    error: null,
    createdAt: '2024-01-01T00:00:00.000Z',
    startedAt: null,
    finishedAt: null,
    ...over,
  };
}

describe('DemoRecordsSeeder', () => {
  const setUp = (results: ImportView[]) => {
    const query = jest.fn().mockResolvedValue([{ n: 0 }]);
    const transaction = jest.fn();
    const importReadable = jest.fn();
    for (const r of results) importReadable.mockResolvedValueOnce(r);
    const logger = { error: jest.fn(), info: jest.fn() };
    const seeder = new DemoRecordsSeeder(
      { query, transaction } as unknown as DataSource,
      { importReadable } as unknown as ImportsService,
      { demo: { records: true } } as AppConfig,
      logger as unknown as Logger,
    );
    return { seeder, logger, transaction };
  };

  it('stops start-up, logging the error, when a bundled demo file fails to import', async () => {
    const { seeder, logger, transaction } = setUp([
      view({ format: 'police-uk' }),
      view({ status: 'failed', error: 'not a vehicle stop CSV template: missing column(s) reason' }),
    ]);
    await expect(seeder.onApplicationBootstrap()).rejects.toThrow(
      /demo-vehicle-stops\.csv ended failed: not a vehicle stop CSV template/,
    );
    expect(logger.error).toHaveBeenCalledWith(
      expect.objectContaining({ status: 'failed', filename: 'demo-vehicle-stops.csv' }),
      expect.any(String),
    );
    expect(transaction).not.toHaveBeenCalled();
  });

  it('stops start-up when a demo file loses rows', async () => {
    const { seeder } = setUp([
      view({ rowsRejected: 1, rejected: [{ line: 3, field: 'reason', reason: 'must be one of …' }] }),
    ]);
    await expect(seeder.onApplicationBootstrap()).rejects.toThrow(/rejected 1 row/);
  });
});
