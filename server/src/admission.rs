//! Admission: at most so many requests are worked on at once per instance; the rest wait in
//! line before any of their work starts. A page render holds its reactive runtime, queries and
//! HTML until it is done; with 1,024 connections all rendering at once an instance took 188
//! MiB, the waiting ones now hold only their request. Health checks and metrics never wait.
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, Error};
use tokio::sync::Semaphore;

/// Requests in progress per instance: far more than two cores can advance at once (they wait
/// on the database in between), far fewer than a load balancer may hand over.
pub const IN_PROGRESS: usize = 128;

/// One per server (`start`), shared by its workers.
pub struct Admission(Semaphore);

impl Default for Admission {
    fn default() -> Self {
        Self(Semaphore::new(IN_PROGRESS))
    }
}

pub async fn admit(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let path = req.path();
    if path.starts_with("/health") || path == "/metrics" {
        return next.call(req).await;
    }
    let Some(admission) = req.app_data::<web::Data<Admission>>().cloned() else {
        return next.call(req).await;
    };
    // The semaphore is never closed, so acquiring cannot fail; were it closed, serve anyway.
    let _permit = admission.0.acquire().await.ok();
    next.call(req).await
}
