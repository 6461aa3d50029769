import { LineCounter } from 'yaml';
import { describe, expect, it } from 'vitest';
import { LineStarts } from '../../src/parse/node.js';

describe('LineStarts (the fast reader’s line index, without the YAML library)', () => {
  it('answers every offset as the YAML library’s LineCounter does', () => {
    const texts = ['', 'a', '\n', 'a\n', '\n\n\nx', 'tables:\n  t:\n    columns:\n      id: integer\n', 'x\ny\nzz\n\n'];
    for (const text of texts) {
      const lib = new LineCounter();
      lib.addNewLine(0);
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lib.addNewLine(i + 1);
      const mine = new LineStarts(text);
      for (let offset = 0; offset <= text.length + 2; offset++)
        expect(mine.linePos(offset), `${JSON.stringify(text)} @${offset}`).toEqual(lib.linePos(offset));
    }
  });
});
