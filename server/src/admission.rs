//! Admission: at most so many page requests (GET, HEAD) are worked on at once per instance;
//! the rest wait in line before any of their work starts. A page render holds its reactive
//! runtime, queries and HTML until it is done; with 1,024 connections all rendering at once an
//! instance took 188 MiB, the waiting ones now hold only their request. Posts (forms, uploads,
//! webhooks) do not take part: a slow body must not hold a place in line. Health checks and
//! metrics never wait; a request that waited 10 s is answered 503 with Retry-After.
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method};
use actix_web::middleware::Next;
use actix_web::{web, Error, HttpResponse};
use tokio::sync::Semaphore;

/// Requests in progress per instance: far more than two cores can advance at once (they wait
/// on the database in between), far fewer than a load balancer may hand over.
pub const IN_PROGRESS: usize = 128;

/// One per worker thread (each builds its own App in `start`), holding that worker's share of
/// `IN_PROGRESS`. A place given up goes to a request waiting on the same thread: with one line
/// for the whole instance, every hand-over woke the other worker's thread (a system call and a
/// context switch per page view under load). A connection stays with the worker that accepted
/// it, and workers accept in turn, so the lines stay about equally long.
pub struct Admission(Semaphore);

impl Admission {
    /// Worker `index`'s share: the shares of `workers` workers add up to `IN_PROGRESS` (each
    /// has at least one place, so past 128 workers the instance allows one per worker).
    pub fn share(index: usize, workers: usize) -> Self {
        let workers = workers.max(1);
        let places = IN_PROGRESS / workers + usize::from(index % workers < IN_PROGRESS % workers);
        Self(Semaphore::new(places.max(1)))
    }

    pub fn places(&self) -> usize {
        self.0.available_permits()
    }
}

const WAIT: std::time::Duration = std::time::Duration::from_secs(10);

pub async fn admit(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<actix_web::body::EitherBody<impl MessageBody>>, Error> {
    let path = req.path();
    let page =
        matches!(*req.method(), Method::GET | Method::HEAD) && !path.starts_with("/health") && path != "/metrics";
    let admission = req.app_data::<web::Data<Admission>>().cloned();
    let (Some(admission), true) = (admission, page) else {
        return next.call(req).await.map(ServiceResponse::map_into_left_body);
    };
    let waited = tokio::time::timeout(WAIT, admission.0.acquire()).await;
    match waited {
        // The semaphore is never closed, so acquiring cannot fail; were it closed, serve anyway.
        Ok(_permit) => next.call(req).await.map(ServiceResponse::map_into_left_body),
        Err(_) => Ok(req.into_response(
            HttpResponse::ServiceUnavailable()
                .insert_header((header::RETRY_AFTER, "5"))
                .finish()
                .map_into_right_body(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workers_shares_add_up_to_the_instances_places() {
        for workers in [1, 2, 3, 5, 7, 16, 100, 128] {
            let total: usize = (0..workers).map(|i| Admission::share(i, workers).places()).sum();
            assert_eq!(total, IN_PROGRESS, "{workers} workers");
        }
        assert_eq!(Admission::share(0, 200).places(), 1, "every worker admits someone");
    }
}
