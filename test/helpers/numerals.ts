/** Numbers as Chinese business text writes them, for test sentences: the reverse of report/numbers-in-words.ts. */
const DIGITS = '零一二三四五六七八九';

/** 0–9999 in Chinese numerals: 三千四百五十六, 二十, 一百零八. */
function belowTenThousand(n: number, leading: boolean): string {
  const places: [number, string][] = [
    [1000, '千'],
    [100, '百'],
    [10, '十'],
    [1, ''],
  ];
  let out = '';
  let zero = false;
  for (const [place, name] of places) {
    const d = Math.floor(n / place) % 10;
    if (d === 0) {
      if (out !== '') zero = true;
      continue;
    }
    if (zero) out += '零';
    zero = false;
    // "十二" on its own, "一百一十二" inside a number.
    out += d === 1 && place === 10 && out === '' && leading ? name : `${DIGITS[d]}${name}`;
  }
  return out;
}

/** A whole number below 10^12 in Chinese numerals: 208766 → 二十万八千七百六十六, 120000000 → 一亿二千万. */
export function chineseNumeral(value: number): string {
  const n = Math.round(value);
  if (n === 0) return '零';
  const yi = Math.floor(n / 1e8);
  const wan = Math.floor(n / 1e4) % 1e4;
  const rest = n % 1e4;
  let out = '';
  if (yi > 0) out += `${belowTenThousand(yi, true)}亿`;
  if (wan > 0) out += `${yi > 0 && wan < 1000 ? '零' : ''}${belowTenThousand(wan, out === '')}万`;
  if (rest > 0) out += `${out !== '' && rest < 1000 ? '零' : ''}${belowTenThousand(rest, out === '')}`;
  return out;
}

/** Digits, the decimal point and % as their full-width forms (１２３．５％), as some IMEs type them. */
export function fullWidth(text: string): string {
  return text.replace(/[0-9.%]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
}
