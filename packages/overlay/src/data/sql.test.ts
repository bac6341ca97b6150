import { describe, expect, it } from 'vitest';
import { normalizeSql, sqlVerb } from './sql.ts';

// Statements as SDKs and ORMs put them in span descriptions (`db.statement` / `db.query.text`).
describe('normalizeSql', () => {
  it('PostgreSQL (pg instrumentation): bind placeholders stay, literals go', () => {
    expect(normalizeSql('SELECT "id", "email" FROM "users" WHERE "id" = $1')).toBe('SELECT "id", "email" FROM "users" WHERE "id" = $1');
    expect(normalizeSql("SELECT * FROM orders WHERE status = 'paid' AND total > 100.50 AND created_at > now() - interval '7 days'")).toBe(
      'SELECT * FROM orders WHERE status = ? AND total > ? AND created_at > now() - interval ?',
    );
    expect(normalizeSql("SELECT E'it\\'s', 'it''s', $$body$$, $fn$x$fn$ FROM t")).toBe('SELECT ?, ?, ?, ? FROM t');
    expect(normalizeSql("SELECT '5'::int, x FROM t WHERE id = -3")).toBe('SELECT ?::int, x FROM t WHERE id = ?');
  });

  it('MySQL: backticks, inlined values, # comments, hex', () => {
    expect(normalizeSql('SELECT `id`, `name` FROM `users` WHERE `id` = 42 # admin\nLIMIT 10')).toBe(
      'SELECT `id`, `name` FROM `users` WHERE `id` = ? LIMIT ?',
    );
    expect(normalizeSql("UPDATE `carts` SET `token` = 0xDEADBEEF, `note` = 'a\\'b' WHERE `id` = 7")).toBe(
      'UPDATE `carts` SET `token` = ?, `note` = ? WHERE `id` = ?',
    );
  });

  it('SQLite (knex over better-sqlite3)', () => {
    expect(normalizeSql('select * from `customers` where `id` = ?')).toBe('select * from `customers` where `id` = ?');
    expect(normalizeSql('select * from customers where id = 3')).toBe(normalizeSql('select * from customers where id = 17'));
  });

  it('IN lists of any length become one (...)', () => {
    expect(normalizeSql('SELECT * FROM t WHERE id IN (1, 2, 3)')).toBe('SELECT * FROM t WHERE id IN (...)');
    expect(normalizeSql('SELECT * FROM t WHERE id in ($1,$2,$3,$4)')).toBe('SELECT * FROM t WHERE id in (...)');
    expect(normalizeSql("SELECT * FROM t WHERE name IN ('a','b') AND x NOT IN (?, ?)")).toBe(
      'SELECT * FROM t WHERE name IN (...) AND x NOT IN (...)',
    );
    // A subquery is not a list.
    expect(normalizeSql('SELECT * FROM t WHERE id IN (SELECT id FROM u WHERE k = 1)')).toBe(
      'SELECT * FROM t WHERE id IN (SELECT id FROM u WHERE k = ?)',
    );
  });

  it('VALUES rows become one (...)', () => {
    expect(normalizeSql("INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y'), (3, NULL)")).toBe('INSERT INTO t (a, b) VALUES (...)');
    expect(normalizeSql('INSERT INTO t (a, b) VALUES ($1, $2)')).toBe('INSERT INTO t (a, b) VALUES (...)');
  });

  it('comments (sqlcommenter) and whitespace do not split a query', () => {
    const a = "SELECT *\n  FROM orders /*traceparent='00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'*/";
    const b = 'SELECT * FROM orders -- from the dashboard\n';
    expect(normalizeSql(a)).toBe('SELECT * FROM orders');
    expect(normalizeSql(b)).toBe('SELECT * FROM orders');
  });

  it('Prisma descriptions (db.query.text of prisma:engine:db_query)', () => {
    expect(
      normalizeSql(
        'SELECT "public"."User"."id", "public"."User"."email" FROM "public"."User" WHERE "public"."User"."id" = $1 LIMIT $2 OFFSET $3',
      ),
    ).toBe('SELECT "public"."User"."id", "public"."User"."email" FROM "public"."User" WHERE "public"."User"."id" = $1 LIMIT $2 OFFSET $3');
    expect(normalizeSql('SELECT `app`.`Post`.`id` FROM `app`.`Post` WHERE `app`.`Post`.`authorId` IN (?,?,?)')).toBe(
      'SELECT `app`.`Post`.`id` FROM `app`.`Post` WHERE `app`.`Post`.`authorId` IN (...)',
    );
  });

  it('Drizzle descriptions', () => {
    expect(normalizeSql('select "id", "name" from "users" where "users"."id" = $1')).toBe(
      'select "id", "name" from "users" where "users"."id" = $1',
    );
    expect(normalizeSql('insert into "users" ("id", "name") values (default, $1), (default, $2)')).toBe(
      'insert into "users" ("id", "name") values (...)',
    );
  });

  it('Sequelize descriptions (values inlined)', () => {
    const one = normalizeSql('SELECT `id`, `name` FROM `Users` AS `User` WHERE `User`.`id` = 42;');
    const two = normalizeSql('SELECT `id`, `name` FROM `Users` AS `User` WHERE `User`.`id` = 7;');
    expect(one).toBe('SELECT `id`, `name` FROM `Users` AS `User` WHERE `User`.`id` = ?');
    expect(two).toBe(one);
    expect(normalizeSql("INSERT INTO `Users` (`id`,`name`,`createdAt`) VALUES (DEFAULT,'ada','2024-01-02 10:00:00.000');")).toBe(
      'INSERT INTO `Users` (`id`, `name`, `createdAt`) VALUES (...)',
    );
    expect(normalizeSql('SELECT "id" FROM "Users" AS "User" WHERE "User"."id" IN (1, 2, 3);')).toBe(
      'SELECT "id" FROM "Users" AS "User" WHERE "User"."id" IN (...)',
    );
  });

  it('identifiers with digits and quoted identifiers with literal-like text stay', () => {
    expect(normalizeSql('SELECT t1.c2 FROM "table 42" t1 JOIN [order] o ON o.id = t1.id')).toBe(
      'SELECT t1.c2 FROM "table 42" t1 JOIN [order] o ON o.id = t1.id',
    );
  });

  it('unterminated input (a description cut short) still normalizes', () => {
    expect(normalizeSql("SELECT * FROM t WHERE name = 'abc")).toBe('SELECT * FROM t WHERE name = ?');
    expect(normalizeSql('SELECT * FROM t /* cut')).toBe('SELECT * FROM t');
  });
});

describe('sqlVerb', () => {
  it('reads the first keyword', () => {
    expect(sqlVerb('  select 1')).toBe('SELECT');
    expect(sqlVerb('/* c */ INSERT INTO t VALUES (1)')).toBe('INSERT');
  });
});
