/**
 * A fake TTY stream ({ isTTY, columns, write }) with a tiny screen behind it: carriage return, newline,
 * save/restore cursor (ESC 7 / ESC 8), CSI K / 2K (clear), CSI n G (column) and CSI s / u; other CSI
 * sequences are ignored. Enough to see what a person would see after a progress bar and its notices.
 */
export interface FakeTty {
  readonly isTTY: true;
  readonly columns: number;
  write(text: string): boolean;
  /** Everything written, escapes included. */
  readonly raw: () => string;
  /** The screen's rows as a person would read them, trailing blanks trimmed. */
  readonly screen: () => string[];
}

export function fakeTty(columns: number, onWrite: (text: string) => void = () => undefined): FakeTty {
  const rows: string[][] = [[]];
  let row = 0;
  let col = 0;
  let saved = { row: 0, col: 0 };
  let raw = '';
  const line = () => {
    while (rows.length <= row) rows.push([]);
    return rows[row] as string[];
  };
  const put = (text: string) => {
    for (let k = 0; k < text.length; k++) {
      const ch = text[k] as string;
      if (ch === '\r') col = 0;
      else if (ch === '\n') {
        row += 1;
        col = 0;
        line();
      } else if (ch === '\x1b') {
        const next = text[k + 1];
        if (next === '7') {
          saved = { row, col };
          k += 1;
        } else if (next === '8') {
          ({ row, col } = saved);
          k += 1;
        } else if (next === '[') {
          const m = /^\[([?0-9;]*)([A-Za-z])/.exec(text.slice(k + 1));
          if (!m) continue;
          k += m[0].length;
          const [, arg = '', cmd] = m;
          if (cmd === 'K') {
            const l = line();
            if (arg === '2') l.length = 0;
            else l.length = Math.min(l.length, col);
          } else if (cmd === 'G') col = Math.max(0, Number(arg || '1') - 1);
          else if (cmd === 's') saved = { row, col };
          else if (cmd === 'u') ({ row, col } = saved);
        }
      } else {
        const l = line();
        while (l.length < col) l.push(' ');
        l[col] = ch;
        col += 1;
      }
    }
  };
  return {
    isTTY: true,
    columns,
    write(text: string) {
      raw += text;
      put(text);
      onWrite(text);
      return true;
    },
    raw: () => raw,
    screen: () => rows.map((r) => r.join('').trimEnd()),
  };
}
