//! `settle secrets status` counts the values sealed at rest per key; `settle secrets reseal`
//! seals them all again under the current `SETTLE_SECRET_KEY`, the last step of a rotation.
use settle_core::keys::Keys;
use settle_core::sea_orm::DatabaseConnection;
use settle_core::secrets_rotation::{self, Report};

#[derive(clap::Subcommand)]
pub enum SecretsCommand {
    /// How many sealed values each key sealed, per table and column; changes nothing.
    Status,
    /// Open every sealed value with the key that sealed it (current or
    /// SETTLE_PREVIOUS_SECRET_KEY) and seal it again under the current key, in one transaction.
    Reseal,
}

pub async fn run(db: &DatabaseConnection, keys: &Keys, cmd: SecretsCommand) -> anyhow::Result<()> {
    let report = match cmd {
        SecretsCommand::Status => secrets_rotation::status(db, keys).await?,
        SecretsCommand::Reseal => secrets_rotation::reseal(db, keys).await?,
    };
    print!("{}", table(&report));
    if report.unopenable() > 0 {
        let places: Vec<String> = report
            .places
            .iter()
            .filter(|(_, t)| t.unopenable > 0)
            .map(|(p, t)| format!("{p} ({})", t.unopenable))
            .collect();
        anyhow::bail!(
            "{} sealed values no key of this server opens, in {}: left as they were (set the key that sealed them as SETTLE_PREVIOUS_SECRET_KEY and run again)",
            report.unopenable(),
            places.join(", ")
        );
    }
    Ok(())
}

fn table(r: &Report) -> String {
    let mut out = format!("current key: {}\n", r.current);
    out.push_str("place\tkey\tvalues\n");
    for (place, tally) in &r.places {
        for (key, n) in &tally.by_key {
            out.push_str(&format!("{place}\t{key}\t{n}\n"));
        }
    }
    let resealed = r.resealed();
    if resealed > 0 {
        out.push_str(&format!("resealed under {}: {resealed}\n", r.current));
    } else if r.not_current() == 0 {
        out.push_str("every value is sealed under the current key: SETTLE_PREVIOUS_SECRET_KEY can be removed\n");
    } else {
        out.push_str(&format!(
            "{} values are sealed under another key: run `settle secrets reseal`\n",
            r.not_current()
        ));
    }
    out
}
