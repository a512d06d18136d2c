//! The binary refuses bad configuration with one line and exit code 2.
use std::process::Command;

fn settle(env: &[(&str, &str)]) -> std::process::Output {
    let dir = std::env::temp_dir().join(format!("settle-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_settle"));
    cmd.arg("migrate")
        .current_dir(&dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

#[test]
fn bad_settings_exit_2_naming_the_setting() {
    for (name, value) in [
        ("SETTLE_ENV", "staging"),
        ("SETTLE_ADDR", "not-an-address"),
        ("SETTLE_DATABASE_URL", "mysql://nope"),
        ("SETTLE_SECRET_KEY", "dG9vIHNob3J0"),
        ("SETTLE_SMTP_URL", "http://mail"),
    ] {
        let out = settle(&[(name, value)]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(name), "{name}: {err}");
        assert_eq!(err.lines().count(), 1, "one line: {err}");
    }
}

#[test]
fn production_without_a_secret_key_exits_2() {
    let out = settle(&[("SETTLE_ENV", "production")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("SETTLE_SECRET_KEY"));
}
