// MySQL quotes the statement from where it stopped parsing, and the quote runs on over lines or is empty: the first
// line then ends inside the quote. Round 35's reviewer of InterCode SQL on StarChat found one syntax error split into
// groups of 7 and 9 runs by what the model had appended to its query.
import { describe, expect, it } from 'vitest';
import { normalizeMessage } from '../src/ingest/signature.ts';

const NEAR = "Error executing query: You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near";

describe('quoted values the first line cuts off or leaves empty', () => {
  it('collapse like any other quoted value', () => {
    const closed = normalizeMessage(`${NEAR} 'FROM singer' at line 1`, 400);
    expect(normalizeMessage(`${NEAR} 'MySQL Database Output:\n| id |' at line 2`, 400)).toBe(normalizeMessage(`${NEAR} 'x'`, 400));
    expect(normalizeMessage(`${NEAR} '' at line 1`, 400)).toBe(closed);
    expect(closed).toContain("near '<s>' at line <n>");
  });

  it('leaves apostrophes inside words alone', () => {
    expect(normalizeMessage("Error executing query: Table 'car_1.cars' doesn't exist")).toBe("Error executing query: Table '<s>' doesn't exist");
    expect(normalizeMessage("can't open the file")).toBe("can't open the file");
  });
});
