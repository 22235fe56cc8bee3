import { describe, expect, it } from 'vitest';
import { CellError, cellText, parseMoneyCents, parseOrderDate, parseQuantity } from '../../sales/cells';

describe('reading spreadsheet cells', () => {
  it.each([
    [46343, '2026-11-17'],
    [46343.75, '2026-11-17'],
    ['2026-11-17', '2026-11-17'],
    ['2026/11/7', '2026-11-07'],
    ['2026.11.17 14:30', '2026-11-17'],
    ['2026年11月17日', '2026-11-17'],
    ['2026/11/17 14:03', '2026-11-17'],
    ['46349.700694', '2026-11-23'], // an Excel serial written out as text in a CSV
    ['46343', '2026-11-17'],
    [new Date('2026-11-17T00:00:00Z'), '2026-11-17'],
  ])('reads the order date %j as %s', (cell, expected) => {
    expect(parseOrderDate(cell)).toBe(expected);
  });

  it.each([['2026-02-30'], ['17/11/2026'], [''], [null], [-5]])('refuses %j as a date, saying why', (cell) => {
    expect(() => parseOrderDate(cell)).toThrow(CellError);
  });

  it.each([
    ['¥1,234.50', 123450],
    ['$1,234.50', 123450],
    ['1234.5', 123450],
    [1234.5, 123450],
    ['￥ 99', 9900],
    ['(12.00)', -1200],
    ['1,234.56元', 123456],
  ])('reads the amount %j as %i cents', (cell, cents) => {
    expect(parseMoneyCents(cell)).toBe(cents);
  });

  it('says what is wrong with an amount it cannot read', () => {
    expect(() => parseMoneyCents('N/A')).toThrow('"N/A" is not an amount');
    expect(() => parseMoneyCents('')).toThrow('amount is empty');
  });

  it('insists on whole quantities', () => {
    expect(parseQuantity('3')).toBe(3);
    expect(() => parseQuantity(1.5)).toThrow('1.5 is not a whole quantity');
  });

  it('reads a formula cell as its saved result, or as what was typed when none was saved', () => {
    expect(cellText({ formula: 'A1&"套装"', result: '1+1 套装' })).toBe('1+1 套装');
    expect(cellText({ formula: '1+1 套装' })).toBe('1+1 套装');
    expect(cellText({ richText: [{ text: '无线' }, { text: '耳机' }] })).toBe('无线耳机');
  });
});
