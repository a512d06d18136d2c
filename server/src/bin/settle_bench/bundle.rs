//! The `bundle` bench: what a browser downloads to hydrate a page. Builds the wasm front end
//! as `cargo leptos build --release` does (profile wasm-release, wasm-bindgen, wasm-opt -Oz from
//! the npm `binaryen` in end2end/), then reports sizes raw and gzipped (`gzip -9`).
use std::path::Path;
use std::process::Command;

fn run(program: &str, args: &[&str]) {
    let status = Command::new(program)
        .args(args)
        .status()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(status.success(), "{program} {args:?} failed");
}

fn gzip_kib(file: &Path) -> f64 {
    let out = Command::new("gzip")
        .args(["-9", "-c"])
        .arg(file)
        .output()
        .expect("gzip");
    assert!(out.status.success());
    out.stdout.len() as f64 / 1024.0
}

fn kib(file: &Path) -> f64 {
    std::fs::metadata(file).expect("size").len() as f64 / 1024.0
}

pub async fn bench() -> String {
    run(
        "cargo",
        &[
            "build",
            "-p",
            "settle-app",
            "--lib",
            "--target",
            "wasm32-unknown-unknown",
            "--profile",
            "wasm-release",
            "--no-default-features",
            "--features",
            "hydrate",
        ],
    );
    let out = Path::new("target/bench/pkg");
    std::fs::create_dir_all(out).expect("pkg dir");
    run(
        "wasm-bindgen",
        &[
            "--target",
            "web",
            "--no-typescript",
            "--out-dir",
            "target/bench/pkg",
            "--out-name",
            "settle",
            "target/wasm32-unknown-unknown/wasm-release/settle_app.wasm",
        ],
    );
    let local = Path::new("end2end/node_modules/.bin/wasm-opt");
    let wasm_opt = if local.exists() {
        local.to_str().expect("path")
    } else {
        "wasm-opt"
    };
    let wasm = out.join("settle_bg.wasm");
    let opt = out.join("settle_bg.opt.wasm");
    run(
        wasm_opt,
        &[
            "-Oz",
            "--enable-bulk-memory",
            "--enable-nontrapping-float-to-int",
            wasm.to_str().expect("path"),
            "-o",
            opt.to_str().expect("path"),
        ],
    );
    // The module wasm-bindgen wrote and Settle's islands loader, which loads it.
    let js = [out.join("settle.js"), Path::new("server/src/islands.js").to_path_buf()];
    let (js_kib, js_gzip) = (
        js.iter().map(|f| kib(f)).sum::<f64>(),
        js.iter().map(|f| gzip_kib(f)).sum::<f64>(),
    );
    let total = gzip_kib(&opt) + js_gzip;
    format!(
        "{:.0} | {:.0} | {js_kib:.0} | {js_gzip:.0} | {total:.0} |",
        kib(&opt),
        gzip_kib(&opt),
    )
}
