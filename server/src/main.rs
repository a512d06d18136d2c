//! Entry point of the `settle` binary.
use clap::Parser;

// glibc malloc fragments under the statement import's many short-lived buffers; mimalloc
// halves the allocation cost (measured with perf).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[actix_web::main]
async fn main() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("SETTLE_LOG")
        .unwrap_or_else(|_| "info,sqlx=warn,sea_orm=warn".into());
    // SETTLE_LOG_FORMAT=json: one JSON object a line, with the request's id, for log shippers.
    if std::env::var("SETTLE_LOG_FORMAT").is_ok_and(|f| f.trim() == "json") {
        tracing_subscriber::fmt()
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .with_env_filter(filter)
            .with_target(false)
            .init();
    } else {
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_target(false)
            .init();
    }
    let cli = settle_server::cli::Cli::parse();
    std::process::exit(settle_server::cli::run(cli).await);
}
