//! Injected time, so schedules and expiry can be tested at any instant.
use chrono::{DateTime, Duration, NaiveDate, Utc};
use std::sync::{Arc, Mutex};

#[derive(Clone, Debug, Default)]
pub enum Clock {
    #[default]
    System,
    Fixed(Arc<Mutex<DateTime<Utc>>>),
}

impl Clock {
    pub fn fixed(at: DateTime<Utc>) -> Self {
        Clock::Fixed(Arc::new(Mutex::new(at)))
    }

    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::Fixed(t) => match t.lock() {
                Ok(t) => *t,
                Err(poisoned) => *poisoned.into_inner(),
            },
        }
    }

    /// Moves a fixed clock forward; a system clock ignores it.
    pub fn advance(&self, by: Duration) {
        if let Clock::Fixed(t) = self {
            let mut guard = match t.lock() {
                Ok(g) => g,
                Err(poisoned) => poisoned.into_inner(),
            };
            *guard += by;
        }
    }

    pub fn today_in(&self, tz: chrono_tz::Tz) -> NaiveDate {
        self.now().with_timezone(&tz).date_naive()
    }
}
