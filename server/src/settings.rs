//! Typed settings: defaults, then an optional `settle.toml`, then `SETTLE_*` environment
//! variables. A wrong value is one clear line naming the setting; the binary exits with 2.
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use settle_core::db::DatabaseUrl;
use settle_core::keys::Keys;
use settle_core::state::RunMode;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
#[error("{setting}: {problem}")]
pub struct SettingError {
    pub setting: &'static str,
    pub problem: String,
}

fn bad(setting: &'static str, problem: impl Into<String>) -> SettingError {
    SettingError {
        setting,
        problem: problem.into(),
    }
}

pub struct Settings {
    pub mode: RunMode,
    pub database_url: DatabaseUrl,
    /// `SETTLE_DATABASE_APP_URL` (Postgres): requests connect as this role, which does not own
    /// the tables and is confined to the request's tenant by row-level security.
    pub database_app_url: Option<DatabaseUrl>,
    pub addr: SocketAddr,
    pub keys: Keys,
    pub smtp_url: Option<String>,
    pub smtp_from: String,
    /// `SETTLE_SMTP_TIMEOUT_SECONDS`: how long the mail server gets to take one message.
    pub smtp_timeout: std::time::Duration,
    /// Where letters' PDFs are written for printing, one folder per tenant.
    pub letter_spool: PathBuf,
    /// Debtors' uploads (dispute attachments), outside the web root.
    pub upload_dir: PathBuf,
    /// The bearer token an email provider's event webhook (`/webhooks/email`) must present.
    pub email_webhook_token: Option<String>,
    pub trusted_proxies: Vec<IpAddr>,
    /// `SETTLE_DNS_SERVER`: unset, the system resolver; `off`; or `ip[:port]`.
    pub dns: settle_core::state::DnsLookup,
    pub webhook_allow_private: bool,
    /// `SETTLE_METRICS_TOKEN`: the bearer token `/metrics` asks for (without it, loopback only).
    pub metrics_token: Option<String>,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("mode", &self.mode)
            .field("database_url", &self.database_url)
            .field("database_app_url", &self.database_app_url)
            .field("addr", &self.addr)
            .field("smtp", &self.smtp_url.as_ref().map(|_| "<set>"))
            .field("trusted_proxies", &self.trusted_proxies)
            .finish()
    }
}

/// Raw values by setting name (`SETTLE_ENV`, ...), from the file and the environment.
pub struct Sources {
    values: HashMap<String, String>,
    pub data_dir: PathBuf,
}

impl Sources {
    /// `settle.toml` in the working directory (or `SETTLE_CONFIG`), overridden by the environment.
    pub fn load() -> Result<Self, SettingError> {
        let path = std::env::var("SETTLE_CONFIG").unwrap_or_else(|_| "settle.toml".into());
        let mut values = HashMap::new();
        if Path::new(&path).exists() {
            let text = std::fs::read_to_string(&path).map_err(|e| bad("SETTLE_CONFIG", format!("{path}: {e}")))?;
            let table: toml::Table = text.parse().map_err(|e| bad("SETTLE_CONFIG", format!("{path}: {e}")))?;
            for (k, v) in table {
                let v = match v {
                    toml::Value::String(s) => s,
                    toml::Value::Array(a) => a
                        .iter()
                        .map(|x| x.as_str().map(str::to_string).unwrap_or_else(|| x.to_string()))
                        .collect::<Vec<_>>()
                        .join(","),
                    other => other.to_string(),
                };
                values.insert(format!("SETTLE_{}", k.to_ascii_uppercase()), v);
            }
        }
        for (k, v) in std::env::vars() {
            if k.starts_with("SETTLE_") {
                values.insert(k, v);
            }
        }
        Ok(Self {
            values,
            data_dir: PathBuf::from("data"),
        })
    }

    pub fn from_map(values: HashMap<String, String>, data_dir: PathBuf) -> Self {
        Self { values, data_dir }
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(|s| s.trim()).filter(|s| !s.is_empty())
    }
}

impl Settings {
    pub fn from_sources(src: &Sources) -> Result<Self, SettingError> {
        let mode = match src.get("SETTLE_ENV").unwrap_or("dev") {
            "dev" | "development" => RunMode::Dev,
            "production" | "prod" => RunMode::Production,
            other => return Err(bad("SETTLE_ENV", format!("must be dev or production, not {other:?}"))),
        };
        let database_url = DatabaseUrl::parse(
            src.get("SETTLE_DATABASE_URL")
                .unwrap_or("sqlite://data/settle.db?mode=rwc"),
        )
        .map_err(|e| bad("SETTLE_DATABASE_URL", e))?;
        let pool = match src.get("SETTLE_DB_POOL") {
            None => None,
            Some(v) => Some(
                v.trim()
                    .parse::<u32>()
                    .ok()
                    .filter(|n| (1..=1000).contains(n))
                    .ok_or_else(|| bad("SETTLE_DB_POOL", "must be a number of connections from 1 to 1000"))?,
            ),
        };
        let database_url = database_url.with_pool(pool);
        let database_app_url = match src.get("SETTLE_DATABASE_APP_URL").map(str::trim) {
            None | Some("") => None,
            Some(raw) => {
                let url = DatabaseUrl::parse(raw).map_err(|e| bad("SETTLE_DATABASE_APP_URL", e))?;
                if url.is_sqlite() || database_url.is_sqlite() {
                    return Err(bad(
                        "SETTLE_DATABASE_APP_URL",
                        "is for Postgres (row-level security), with SETTLE_DATABASE_URL on Postgres too",
                    ));
                }
                Some(url.with_pool(pool))
            }
        };
        let addr: SocketAddr = src
            .get("SETTLE_ADDR")
            .unwrap_or("127.0.0.1:3000")
            .parse()
            .map_err(|_| bad("SETTLE_ADDR", "must be host:port, like 127.0.0.1:3000"))?;
        let mut keys = match src.get("SETTLE_SECRET_KEY") {
            Some(b64) => decode_key(b64)?,
            None if mode == RunMode::Production => {
                return Err(bad(
                    "SETTLE_SECRET_KEY",
                    "is required in production (64 random bytes, base64)",
                ))
            }
            None => dev_key(&src.data_dir)?,
        };
        if let Some(b64) = src.get("SETTLE_PREVIOUS_SECRET_KEY") {
            let previous = decode_key(b64).map_err(|e| bad("SETTLE_PREVIOUS_SECRET_KEY", e.problem))?;
            keys.at_rest_previous.push(previous.at_rest);
        }
        let smtp_url = src.get("SETTLE_SMTP_URL").map(str::to_string);
        if let Some(u) = &smtp_url {
            if !(u.starts_with("smtp://") || u.starts_with("smtps://")) {
                return Err(bad("SETTLE_SMTP_URL", "must start with smtp:// or smtps://"));
            }
        }
        let smtp_timeout = match src.get("SETTLE_SMTP_TIMEOUT_SECONDS").map(str::trim) {
            None | Some("") => settle_core::channels::email::DEFAULT_TIMEOUT,
            Some(s) => match s.parse::<u64>() {
                Ok(n @ 1..=600) => std::time::Duration::from_secs(n),
                _ => {
                    return Err(bad(
                        "SETTLE_SMTP_TIMEOUT_SECONDS",
                        "is a number of seconds from 1 to 600",
                    ))
                }
            },
        };
        let trusted_proxies = src
            .get("SETTLE_TRUSTED_PROXIES")
            .map(|list| {
                list.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(|s| {
                        s.parse::<IpAddr>()
                            .map_err(|_| bad("SETTLE_TRUSTED_PROXIES", format!("{s:?} is not an IP address")))
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()?
            .unwrap_or_default();
        let dns = match src.get("SETTLE_DNS_SERVER").map(str::trim) {
            None | Some("") => settle_core::state::DnsLookup::System,
            Some("off") => settle_core::state::DnsLookup::Off,
            Some(s) => settle_core::state::DnsLookup::Server(
                s.parse::<SocketAddr>()
                    .or_else(|_| s.parse::<IpAddr>().map(|ip| SocketAddr::new(ip, 53)))
                    .map_err(|_| {
                        bad(
                            "SETTLE_DNS_SERVER",
                            format!("{s:?} is not off, an IP address or IP:port"),
                        )
                    })?,
            ),
        };
        let webhook_allow_private = match src.get("SETTLE_WEBHOOK_ALLOW_PRIVATE").map(str::trim) {
            None | Some("") | Some("false") => false,
            Some("true") if mode == RunMode::Production => {
                return Err(bad("SETTLE_WEBHOOK_ALLOW_PRIVATE", "is for development only"))
            }
            Some("true") => true,
            Some(_) => return Err(bad("SETTLE_WEBHOOK_ALLOW_PRIVATE", "is true or false")),
        };
        let metrics_token = src
            .get("SETTLE_METRICS_TOKEN")
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string);
        if metrics_token.as_ref().is_some_and(|t| t.len() < 16) {
            return Err(bad("SETTLE_METRICS_TOKEN", "needs at least 16 characters"));
        }
        Ok(Settings {
            webhook_allow_private,
            metrics_token,
            dns,
            mode,
            database_url,
            database_app_url,
            addr,
            keys,
            smtp_url,
            smtp_timeout,
            smtp_from: src
                .get("SETTLE_SMTP_FROM")
                .unwrap_or("Settle <no-reply@settle.test>")
                .to_string(),
            email_webhook_token: src
                .get("SETTLE_EMAIL_WEBHOOK_TOKEN")
                .map(str::to_string)
                .filter(|t| !t.trim().is_empty()),
            letter_spool: src
                .get("SETTLE_LETTER_SPOOL")
                .map(PathBuf::from)
                .unwrap_or_else(|| src.data_dir.join("letters")),
            upload_dir: src
                .get("SETTLE_UPLOAD_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| src.data_dir.join("uploads")),
            trusted_proxies,
        })
    }
}

fn decode_key(b64: &str) -> Result<Keys, SettingError> {
    let bytes = STANDARD
        .decode(b64.trim())
        .map_err(|_| bad("SETTLE_SECRET_KEY", "is not valid base64"))?;
    Keys::derive(&bytes).map_err(|e| bad("SETTLE_SECRET_KEY", e.to_string()))
}

/// Dev only: a key kept in `data/secret.key` (mode 0600), made on first run, so restarts keep
/// everyone logged in.
fn dev_key(dir: &Path) -> Result<Keys, SettingError> {
    let path = dir.join("secret.key");
    if let Ok(text) = std::fs::read_to_string(&path) {
        return decode_key(&text);
    }
    let mut master = [0u8; 64];
    rand::Rng::fill(&mut rand::rngs::OsRng, &mut master[..]);
    std::fs::create_dir_all(dir)
        .map_err(|e| bad("SETTLE_SECRET_KEY", format!("cannot create {}: {e}", dir.display())))?;
    write_private(&path, STANDARD.encode(master).as_bytes())
        .map_err(|e| bad("SETTLE_SECRET_KEY", format!("cannot write {}: {e}", path.display())))?;
    decode_key(&STANDARD.encode(master))
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    opts.open(path)?.write_all(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(pairs: &[(&str, &str)]) -> Result<Settings, SettingError> {
        let dir = std::env::temp_dir().join(format!("settle-settings-{}", crate::tests_support_id()));
        let map = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Settings::from_sources(&Sources::from_map(map, dir))
    }

    #[test]
    fn defaults_are_dev_sqlite_localhost() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.mode, RunMode::Dev);
        assert!(s.database_url.is_sqlite());
        assert_eq!(s.addr.to_string(), "127.0.0.1:3000");
    }

    #[test]
    fn each_bad_value_names_its_setting() {
        let cases = [
            ("SETTLE_ENV", "staging"),
            ("SETTLE_ADDR", "localhost"),
            ("SETTLE_DATABASE_URL", "mysql://x"),
            ("SETTLE_SECRET_KEY", "c2hvcnQ="),
            ("SETTLE_SMTP_URL", "http://mail"),
            ("SETTLE_SMTP_TIMEOUT_SECONDS", "0"),
            ("SETTLE_SMTP_TIMEOUT_SECONDS", "soon"),
            ("SETTLE_TRUSTED_PROXIES", "10.0.0.1,nope"),
            ("SETTLE_DB_POOL", "0"),
            ("SETTLE_DB_POOL", "lots"),
            // Row security is Postgres': not with the SQLite default, nor to a SQLite file.
            ("SETTLE_DATABASE_APP_URL", "postgres://app@db/settle"),
            ("SETTLE_DATABASE_APP_URL", "https://db"),
        ];
        for (name, value) in cases {
            let err = settings(&[(name, value)]).err().unwrap();
            assert_eq!(err.setting, name);
        }
    }

    #[test]
    fn an_application_role_goes_with_postgres() {
        let s = settings(&[
            ("SETTLE_DATABASE_URL", "postgres://owner:pw@db/settle"),
            ("SETTLE_DATABASE_APP_URL", "postgres://app:secret@db/settle"),
        ])
        .unwrap();
        let app = s.database_app_url.unwrap();
        assert_eq!(app.expose(), "postgres://app:secret@db/settle");
        assert!(!format!("{app}").contains("secret"));
        let err = settings(&[
            ("SETTLE_DATABASE_URL", "postgres://owner:pw@db/settle"),
            ("SETTLE_DATABASE_APP_URL", "sqlite://x.db"),
        ])
        .err()
        .unwrap();
        assert_eq!(err.setting, "SETTLE_DATABASE_APP_URL");
    }

    #[test]
    fn production_requires_a_secret_key() {
        let err = settings(&[("SETTLE_ENV", "production")]).err().unwrap();
        assert_eq!(err.setting, "SETTLE_SECRET_KEY");
    }

    #[cfg(unix)]
    #[test]
    fn dev_key_file_is_private_and_reused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("settle-key-{}", crate::tests_support_id()));
        let a = dev_key(&dir).unwrap();
        let b = dev_key(&dir).unwrap();
        assert_eq!(a.csrf, b.csrf);
        let mode = std::fs::metadata(dir.join("secret.key")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
