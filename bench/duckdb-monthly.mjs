// duckdb-monthly.mjs: the peer for `make bench`: DuckDB computing per-customer-month sums and
// counts of a sales CSV (the generator's format). Usage: node duckdb-monthly.mjs sales.csv
import { DuckDBInstance } from '@duckdb/node-api';

const file = process.argv[2];
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
const t0 = process.hrtime.bigint();
const reader = await con.runAndReadAll(`
  SELECT count(*) AS groups, sum(n) AS lines, sum(amount) AS amount FROM (
    SELECT "客户编码" AS customer, date_trunc('month', "日期") AS month,
           count(*) AS n, sum("金额") AS amount, sum("成本") AS cost,
           count(DISTINCT "单据编号") AS orders
    FROM read_csv('${file.replace(/'/g, "''")}', header = true,
                  columns = {'日期': 'DATE', '单据编号': 'VARCHAR', '客户编码': 'VARCHAR',
                             '产品编码': 'VARCHAR', '产品名称': 'VARCHAR', '数量': 'BIGINT',
                             '单价': 'DECIMAL(18,2)', '金额': 'DECIMAL(18,2)',
                             '成本': 'DECIMAL(18,2)', '区域': 'VARCHAR'})
    GROUP BY 1, 2)`);
const rows = reader.getRowObjects();
const t1 = process.hrtime.bigint();
console.log(JSON.stringify({ groups: String(rows[0].groups), lines: String(rows[0].lines),
  amount: String(rows[0].amount), seconds: Number(t1 - t0) / 1e9 }));
