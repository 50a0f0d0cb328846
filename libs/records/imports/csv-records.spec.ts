import { Readable } from 'node:stream';
import { csvRecords } from './csv-records';

async function all(chunks: (string | Buffer)[]) {
  const out = [];
  for await (const r of csvRecords(Readable.from(chunks))) out.push(r);
  return out;
}

describe('csvRecords', () => {
  it('splits LF and CRLF lines, skips blank lines, strips a BOM, and numbers lines', async () => {
    expect(await all(['\uFEFFa,b\r\n1,2\r\n\r\n3,', '4\n'])).toEqual([
      { cells: ['a', 'b'], line: 1 },
      { cells: ['1', '2'], line: 2 },
      { cells: ['3', '4'], line: 4 },
    ]);
  });

  it('handles quoted fields with commas, doubled quotes and line breaks', async () => {
    expect(await all(['x,"a, b","say ""hi""",y\n', '"multi\nline",z\nlast,1'])).toEqual([
      { cells: ['x', 'a, b', 'say "hi"', 'y'], line: 1 },
      { cells: ['multi\nline', 'z'], line: 2 },
      { cells: ['last', '1'], line: 4 },
    ]);
  });

  it('decodes UTF-8 split across chunks, and turns invalid bytes into U+FFFD', async () => {
    const pound = Buffer.from('£5,x\n');
    expect(await all([pound.subarray(0, 1), pound.subarray(1)])).toEqual([{ cells: ['£5', 'x'], line: 1 }]);
    expect((await all([Buffer.from([0xff, 0x2c, 0x61, 0x0a])]))[0].cells[0]).toBe('\ufffd');
  });

  it('does not let a stray quote swallow the rest of the file', async () => {
    const records = [];
    for await (const r of csvRecords(Readable.from(['a,"oops\n', 'b,c\n', 'd,e\n']), 8)) records.push(r);
    expect(records.length).toBeGreaterThanOrEqual(2);
    expect(records.at(-1)).toEqual({ cells: ['d', 'e'], line: 3 });
  });
});
