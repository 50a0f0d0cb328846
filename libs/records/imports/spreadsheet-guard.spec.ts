import { csvLine } from '../cases/case-csv';
import { spreadsheetSafe, unguardCell } from './spreadsheet-guard';

describe('spreadsheet formula guard', () => {
  it('guards every cell a spreadsheet would run as a formula, and no plain number', () => {
    expect(['=1+1', '+1', '-1+2', '@SUM(A1)', '\t=x', '\r=x', '-', "'=x", "''@x"].map(spreadsheetSafe)).toEqual([
      "'=1+1",
      "'+1",
      "'-1+2",
      "'@SUM(A1)",
      "'\t=x",
      "'\r=x",
      "'-",
      "''=x",
      "'''@x",
    ]);
    expect(['-0.1', '-51', '-1e-7', '12', 'text', "it's", "'quoted", ''].map(spreadsheetSafe)).toEqual([
      '-0.1',
      '-51',
      '-1e-7',
      '12',
      'text',
      "it's",
      "'quoted",
      '',
    ]);
  });

  it('unguardCell undoes exactly what spreadsheetSafe did, for any text', () => {
    const samples = ['=HYPERLINK("x")', "'=x", "''-1", '-0.1', "'-0.1", "'", "'plain", 'plain', '@', '+44 20', "'\t"];
    for (const text of samples) expect([text, unguardCell(spreadsheetSafe(text))]).toEqual([text, text]);
    // A file from elsewhere keeps an apostrophe that guards nothing.
    expect(unguardCell("'plain")).toBe("'plain");
  });

  it('csvLine, which writes every CSV, guards before quoting', () => {
    expect(csvLine(['=HYPERLINK("x","y")', '-0.1', 'a,b'])).toBe('"\'=HYPERLINK(""x"",""y"")",-0.1,"a,b"');
  });
});
