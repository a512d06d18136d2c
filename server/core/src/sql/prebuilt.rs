//! Hot queries whose SQL text is built once per database backend. Building a sea-query
//! statement (an expression tree of boxed nodes, quoted and written out, then dropped) cost
//! more CPU than SQLite spent running the payment-link page's indexed lookup; the text never
//! changes, only the bound values do.
use sea_orm::sea_query::SelectStatement;
use sea_orm::{DatabaseBackend, Statement, Value};
use std::sync::OnceLock;

/// A select whose text is built by `build` on first use per backend; each run binds the
/// values `values` gives, in the order `build` uses them. Debug builds (and so every test)
/// build the statement on each run too and check that text and values agree.
pub struct Prebuilt<A: ?Sized> {
    build: fn(&A) -> SelectStatement,
    values: fn(&A) -> Vec<Value>,
    sqlite: OnceLock<String>,
    postgres: OnceLock<String>,
}

impl<A: ?Sized> Prebuilt<A> {
    pub const fn new(build: fn(&A) -> SelectStatement, values: fn(&A) -> Vec<Value>) -> Self {
        Self {
            build,
            values,
            sqlite: OnceLock::new(),
            postgres: OnceLock::new(),
        }
    }

    pub fn statement(&self, backend: DatabaseBackend, args: &A) -> Statement {
        let slot = match backend {
            DatabaseBackend::Postgres => &self.postgres,
            _ => &self.sqlite,
        };
        let values = (self.values)(args);
        if cfg!(debug_assertions) {
            let full = backend.build(&(self.build)(args));
            let built = full.values.map(|v| v.0).unwrap_or_default();
            assert_eq!(built, values, "prebuilt values out of step with the statement");
            if let Some(text) = slot.get() {
                assert_eq!(text, &full.sql, "prebuilt text changed");
            }
        }
        let sql = slot.get_or_init(|| backend.build(&(self.build)(args)).sql);
        Statement::from_sql_and_values(backend, sql.clone(), values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};

    struct Args {
        id: i64,
        name: String,
    }

    fn build(a: &Args) -> SelectStatement {
        Query::select()
            .column(Alias::new("x"))
            .from(Alias::new("t"))
            .and_where(Expr::col(Alias::new("id")).eq(a.id))
            .and_where(Expr::col(Alias::new("name")).eq(a.name.clone()))
            .to_owned()
    }

    fn values(a: &Args) -> Vec<Value> {
        vec![a.id.into(), a.name.clone().into()]
    }

    static Q: Prebuilt<Args> = Prebuilt::new(build, values);

    #[test]
    fn each_backend_gets_its_own_text_and_every_run_its_own_values() {
        let one = Args {
            id: 1,
            name: "a".into(),
        };
        let two = Args {
            id: 2,
            name: "b".into(),
        };
        let pg = Q.statement(DatabaseBackend::Postgres, &one);
        assert!(pg.sql.contains("$2"), "{}", pg.sql);
        let lite = Q.statement(DatabaseBackend::Sqlite, &two);
        assert!(lite.sql.contains('?') && !lite.sql.contains('$'), "{}", lite.sql);
        assert_eq!(lite.values.map(|v| v.0), Some(values(&two)));
    }

    static WRONG: Prebuilt<Args> = Prebuilt::new(build, |a| vec![a.name.clone().into(), a.id.into()]);

    #[test]
    #[should_panic(expected = "out of step")]
    fn values_in_another_order_than_the_statement_are_caught() {
        let a = Args {
            id: 3,
            name: "c".into(),
        };
        WRONG.statement(DatabaseBackend::Sqlite, &a);
    }
}
