import Database from 'better-sqlite3';
import { bindForSqlite } from './sql';

describe(bindForSqlite.name, () => {
  it('binds numbers instead of writing them into the text: one text for every slot claimed', () => {
    const claim =
      'UPDATE slots SET participant_id = :participantId WHERE id = :id AND list_id = :listId';
    const first = bindForSqlite(claim, { participantId: 'ALS-001', id: 2996, listId: 1 });
    const second = bindForSqlite(claim, { participantId: 'ALS-002', id: 2997, listId: 1 });
    expect(first).toEqual([
      'UPDATE slots SET participant_id = ? WHERE id = ? AND list_id = ?',
      ['ALS-001', 2996n, 1n],
    ]);
    expect(second[0]).toBe(first[0]);
    expect(second[1]).toEqual(['ALS-002', 2997n, 1n]);
  });

  it('gives a spread list one placeholder per element, and repeats a name used twice', () => {
    expect(
      bindForSqlite('WHERE a IN (:...ids) OR b = :x OR c = :x', { ids: [3, 'four', 5], x: 7 }),
    ).toEqual(['WHERE a IN (?, ?, ?) OR b = ? OR c = ?', [3n, 'four', 5n, 7n, 7n]]);
  });

  it('stores booleans as 1 and 0 and a Date as its UTC text, as TypeORM does; null stays null', () => {
    expect(
      bindForSqlite('VALUES (:yes, :no, :at, :none)', {
        yes: true,
        no: false,
        at: new Date('2026-12-03T08:00:00.250Z'),
        none: null,
      }),
    ).toEqual(['VALUES (?, ?, ?, ?)', [1n, 0n, '2026-12-03 08:00:00.250', null]]);
  });

  it('leaves alone a colon word that is not a parameter (a time in a literal, a cast)', () => {
    expect(bindForSqlite("SELECT '08:30' AS at, :n AS n", { n: 1 })).toEqual([
      "SELECT '08:30' AS at, ? AS n",
      [1n],
    ]);
  });

  it('refuses a spread of something that is not an array', () => {
    expect(() => bindForSqlite('WHERE a IN (:...ids)', { ids: 3 })).toThrow(
      ':...ids needs an array',
    );
  });

  it('binds a whole number as an INTEGER, as the literal TypeORM wrote was, and a fraction as a REAL', () => {
    const db = new Database(':memory:');
    try {
      const [sql, values] = bindForSqlite(
        'SELECT typeof(:whole) AS whole, typeof(:part) AS part, :whole AS value',
        {
          whole: 5,
          part: 2.5,
        },
      );
      expect(db.prepare(sql).get(...values)).toEqual({ whole: 'integer', part: 'real', value: 5 });
    } finally {
      db.close();
    }
  });

  it('runs on better-sqlite3 with the values it bound', () => {
    const db = new Database(':memory:');
    try {
      db.exec('CREATE TABLE slots (id INTEGER PRIMARY KEY, participant_id TEXT, flag INTEGER)');
      db.exec('INSERT INTO slots (id) VALUES (1), (2), (3)');
      const [sql, values] = bindForSqlite(
        'UPDATE slots SET participant_id = :p, flag = :flag WHERE id IN (:...ids) AND participant_id IS NULL',
        { p: 'ALS-001', flag: true, ids: [1, 3] },
      );
      expect(db.prepare(sql).run(...values).changes).toBe(2);
      expect(db.prepare('SELECT id, participant_id, flag FROM slots ORDER BY id').all()).toEqual([
        { id: 1, participant_id: 'ALS-001', flag: 1 },
        { id: 2, participant_id: null, flag: null },
        { id: 3, participant_id: 'ALS-001', flag: 1 },
      ]);
    } finally {
      db.close();
    }
  });
});
