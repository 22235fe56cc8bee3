/** The benchmark's order table and the query a deployment would configure against it. */
export const BENCH_QUERY = `SELECT order_no AS order_id, order_date, product, category, region, channel, quantity, amount
  FROM orders WHERE order_date BETWEEN $1 AND $2`;

/**
 * `rows` order lines over the 21 days up to `endDate`, generated inside the database (nothing crosses the wire), with
 * an index on the date as a real orders table has. About 1 in 50 lines is a refund.
 */
export function createOrdersSql(rows: number, endDate: string): string[] {
  const products = ['无线耳机 Pro', '智能手表 S3', '蓝牙音箱 Mini', '空气炸锅 5L', '纯棉T恤', '坚果礼盒', '保湿面霜'];
  const categories = ['数码', '数码', '数码', '家电', '服饰', '食品', '美妆'];
  const list = (xs: string[]) => `ARRAY[${xs.map((x) => `'${x}'`).join(',')}]`;
  return [
    'DROP TABLE IF EXISTS orders',
    `CREATE UNLOGGED TABLE orders AS
       SELECT 'SO' || (g / 2) AS order_no,
              DATE '${endDate}' - (g % 21) AS order_date,
              (${list(products)})[1 + g % 7] AS product,
              (${list(categories)})[1 + g % 7] AS category,
              (ARRAY['华东','华南','华北','西南','华中'])[1 + (g / 7) % 5] AS region,
              (ARRAY['天猫','京东','抖音','线下门店'])[1 + (g / 11) % 4] AS channel,
              1 + g % 3 AS quantity,
              CASE WHEN g % 50 = 0 THEN -99.50 ELSE (50 + g % 900)::numeric(12,2) END AS amount
       FROM generate_series(1, ${rows}) AS g`,
    'CREATE INDEX ON orders (order_date)',
    'ANALYZE orders',
  ];
}
