//! Next best action: among the choices a plan leaves free (a step's template variants, the part
//! of the day a message goes out), pick the one most likely to lead to payment, learning from
//! outcomes by Thompson sampling. Each choice ("arm") keeps a Beta(1 + won, 1 + lost) posterior
//! of its payment rate; a choice samples every arm's posterior and takes the highest draw, so a
//! promising arm is tried often and a poor one now and then, until the evidence settles. The
//! plan's legal structure is never an arm: which steps, their order, terms and the contact
//! policy are fixed, and the arms offered are only options that are all lawful. A holdout share
//! of invoices always gets the fixed plan, so the lift is measured against it.
use rand::Rng;
use rand_distr::{Beta, Distribution};
use sha2::{Digest, Sha256};

/// What an arm has achieved so far: messages credited with their outcome, and not.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Record {
    pub won: u64,
    pub lost: u64,
}

impl Record {
    pub fn rate(&self) -> f64 {
        let n = self.won + self.lost;
        if n == 0 {
            0.0
        } else {
            self.won as f64 / n as f64
        }
    }
}

/// Thompson sampling: the index of the arm whose posterior draw is highest.
pub fn choose<R: Rng>(arms: &[Record], rng: &mut R) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for (i, a) in arms.iter().enumerate() {
        // Beta with both parameters at least 1 always exists.
        let Ok(beta) = Beta::new(1.0 + a.won as f64, 1.0 + a.lost as f64) else {
            continue;
        };
        let draw = beta.sample(rng);
        if best.is_none_or(|(_, b)| draw > b) {
            best = Some((i, draw));
        }
    }
    best.map(|(i, _)| i)
}

/// Whether a debtor belongs to the holdout that always gets the fixed plan: a stable share of
/// debtors (all their invoices alike), decided by a hash of the tenant and the debtor (the same
/// answer every time, on every instance).
pub fn in_holdout(tenant_id: i64, customer_id: i64, share_percent: u8) -> bool {
    let digest = Sha256::digest(format!("holdout:{tenant_id}:{customer_id}").as_bytes());
    let n = u16::from_be_bytes([digest[0], digest[1]]) % 100;
    n < u16::from(share_percent.min(100))
}

/// The learner's payment rate against the holdout's, with a 95 % confidence interval of the
/// difference (normal approximation over independent units: compare debtors, not messages, as
/// one debtor's messages are not independent; `None` until both sides have some).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Lift {
    pub learner: f64,
    pub holdout: f64,
    pub difference: f64,
    pub low: f64,
    pub high: f64,
}

pub fn lift(learner: Record, holdout: Record) -> Option<Lift> {
    let (n1, n2) = ((learner.won + learner.lost) as f64, (holdout.won + holdout.lost) as f64);
    if n1 == 0.0 || n2 == 0.0 {
        return None;
    }
    let (p1, p2) = (learner.rate(), holdout.rate());
    let se = (p1 * (1.0 - p1) / n1 + p2 * (1.0 - p2) / n2).sqrt();
    let d = p1 - p2;
    Some(Lift {
        learner: p1,
        holdout: p2,
        difference: d,
        low: d - 1.96 * se,
        high: d + 1.96 * se,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::SeedableRng;

    #[test]
    fn sampling_favours_the_arm_that_wins_and_still_tries_the_others() {
        let mut rng = StdRng::seed_from_u64(7);
        let arms = [
            Record { won: 5, lost: 95 },
            Record { won: 30, lost: 70 },
            Record::default(),
        ];
        let mut picks = [0u32; 3];
        for _ in 0..2_000 {
            picks[choose(&arms, &mut rng).unwrap()] += 1;
        }
        assert!(picks[1] > picks[0] * 5, "{picks:?}");
        assert!(picks[2] > 0, "an untried arm still gets tried: {picks:?}");
        assert_eq!(choose(&[], &mut rng), None);
    }

    #[test]
    fn the_holdout_is_stable_and_about_its_share() {
        let held = (0..10_000).filter(|i| in_holdout(1, *i, 10)).count();
        assert!((800..1_200).contains(&held), "{held}");
        assert_eq!(in_holdout(1, 42, 10), in_holdout(1, 42, 10));
        assert!(!(0..1_000).any(|i| in_holdout(1, i, 0)));
        assert!((0..1_000).all(|i| in_holdout(1, i, 100)));
    }

    #[test]
    fn lift_has_an_interval_that_excludes_zero_only_with_enough_evidence() {
        let big = lift(Record { won: 300, lost: 700 }, Record { won: 200, lost: 800 }).unwrap();
        assert!((big.difference - 0.1).abs() < 1e-9 && big.low > 0.0, "{big:?}");
        let small = lift(Record { won: 3, lost: 7 }, Record { won: 2, lost: 8 }).unwrap();
        assert!(small.low < 0.0 && small.high > 0.0, "{small:?}");
        assert_eq!(lift(Record::default(), Record { won: 1, lost: 1 }), None);
    }
}
