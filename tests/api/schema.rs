//! The two migration sets must describe the same schema.

use std::collections::BTreeMap;

use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};
use innolift::db::{self, DbConn};

use crate::helpers::PgDatabase;

#[derive(QueryableByName)]
struct Column {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Integer)]
    nullable: i32,
}

type Shape = BTreeMap<String, BTreeMap<String, bool>>;

fn shape(columns: Vec<Column>) -> Shape {
    let mut shape = Shape::new();
    for c in columns {
        if c.table_name.starts_with("__diesel") {
            continue;
        }
        shape
            .entry(c.table_name)
            .or_default()
            .insert(c.column_name, c.nullable != 0);
    }
    shape
}

fn sqlite_shape(url: &str) -> Shape {
    let mut conn = db::connect(url).unwrap();
    db::run_migrations(&mut conn).unwrap();
    let DbConn::Sqlite(conn) = &mut conn else {
        unreachable!()
    };
    let columns = diesel::sql_query(
        "SELECT m.name AS table_name, p.name AS column_name, CAST(p.\"notnull\" = 0 AND p.pk = 0 AS INTEGER) AS nullable \
         FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'",
    )
    .load::<Column>(conn)
    .unwrap();
    shape(columns)
}

fn postgres_shape(url: &str) -> Shape {
    let mut conn = db::connect(url).unwrap();
    db::run_migrations(&mut conn).unwrap();
    let DbConn::Pg(conn) = &mut conn else {
        unreachable!()
    };
    let columns = diesel::sql_query(
        "SELECT table_name::text AS table_name, column_name::text AS column_name, (is_nullable = 'YES')::int AS nullable \
         FROM information_schema.columns WHERE table_schema = 'public'",
    )
    .load::<Column>(conn)
    .unwrap();
    shape(columns)
}

#[test]
fn both_migration_sets_give_the_same_tables_and_columns() {
    let Some(pg) = PgDatabase::create() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let sqlite = sqlite_shape(dir.path().join("s.db").to_str().unwrap());
    let postgres = postgres_shape(&pg.url);
    assert!(
        sqlite.contains_key("organisations") && sqlite.contains_key("accounts"),
        "{sqlite:?}"
    );
    assert_eq!(sqlite, postgres);
}

#[test]
fn sqlite_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout() {
    #[derive(QueryableByName)]
    struct Value {
        #[diesel(sql_type = Text)]
        v: String,
    }
    let dir = tempfile::tempdir().unwrap();
    let mut conn = db::connect(dir.path().join("p.db").to_str().unwrap()).unwrap();
    let DbConn::Sqlite(conn) = &mut conn else {
        unreachable!()
    };
    let get = |conn: &mut SqliteConnection, sql: &str| {
        diesel::sql_query(sql).get_result::<Value>(conn).unwrap().v
    };
    assert_eq!(
        get(conn, "SELECT journal_mode AS v FROM pragma_journal_mode"),
        "wal"
    );
    assert_eq!(
        get(
            conn,
            "SELECT CAST(foreign_keys AS TEXT) AS v FROM pragma_foreign_keys"
        ),
        "1"
    );
    assert_eq!(
        get(
            conn,
            "SELECT CAST(timeout AS TEXT) AS v FROM pragma_busy_timeout"
        ),
        "10000"
    );
}

#[test]
fn a_write_transaction_on_sqlite_takes_the_write_lock_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("l.db");
    let mut first = db::connect(path.to_str().unwrap()).unwrap();
    db::run_migrations(&mut first).unwrap();
    let mut second = db::connect(path.to_str().unwrap()).unwrap();
    if let DbConn::Sqlite(c) = &mut second {
        diesel::sql_query("PRAGMA busy_timeout = 0")
            .execute(c)
            .unwrap();
    }
    db::write_tx(&mut first, |_| {
        // The first transaction has not written yet; with BEGIN IMMEDIATE it already holds the
        // lock, so a second writer is refused instead of both proceeding into a deadlock.
        let refused = db::write_tx(&mut second, |_| Ok::<_, diesel::result::Error>(()));
        assert!(
            refused.is_err(),
            "a second writer got in beside an immediate transaction"
        );
        Ok::<_, diesel::result::Error>(())
    })
    .unwrap();
    db::write_tx(&mut second, |_| Ok::<_, diesel::result::Error>(())).unwrap();
}

#[test]
fn a_wrong_postgres_url_fails_with_the_real_reason() {
    let error = db::connect("postgres://nobody@127.0.0.1:1/none")
        .err()
        .expect("connecting to port 1 fails");
    let text = error.to_string();
    assert!(
        text.contains("PostgreSQL") && text.len() > "cannot connect to PostgreSQL: ".len() + 5,
        "{text}"
    );
}
