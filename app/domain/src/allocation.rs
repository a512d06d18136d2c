//! How a payment is split over invoices: each invoice costs first, then interest, then principal
//! (NL art. 6:44 BW, DE § 367 BGB); what is left over is an overpayment.
use serde::{Deserialize, Serialize};

/// What is still open on one invoice, by component, in cents (never negative).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenParts {
    pub costs: i64,
    pub interest: i64,
    pub principal: i64,
}

impl OpenParts {
    pub fn total(&self) -> i64 {
        self.costs + self.interest + self.principal
    }

    /// The open parts once `a` is booked on them.
    pub fn after(&self, a: &Allocation) -> OpenParts {
        OpenParts {
            costs: self.costs - a.costs,
            interest: self.interest - a.interest,
            principal: self.principal - a.principal,
        }
    }

    /// The open parts once `a` is taken back (a reversal or chargeback reopens what it paid).
    pub fn before(&self, a: &Allocation) -> OpenParts {
        OpenParts {
            costs: self.costs + a.costs,
            interest: self.interest + a.interest,
            principal: self.principal + a.principal,
        }
    }
}

/// The part of a payment booked on one invoice.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allocation {
    pub costs: i64,
    pub interest: i64,
    pub principal: i64,
}

impl Allocation {
    pub fn total(&self) -> i64 {
        self.costs + self.interest + self.principal
    }
}

/// Books up to `amount` cents on one invoice, costs first.
pub fn allocate_one(amount: i64, open: &OpenParts) -> Allocation {
    let mut left = amount.max(0);
    let mut take = |open: i64| {
        let t = left.min(open.max(0));
        left -= t;
        t
    };
    let costs = take(open.costs);
    let interest = take(open.interest);
    let principal = take(open.principal);
    Allocation {
        costs,
        interest,
        principal,
    }
}

/// Books `amount` over `invoices` in the given order; returns one allocation per invoice and
/// the overpaid rest.
pub fn allocate(amount: i64, invoices: &[OpenParts]) -> (Vec<Allocation>, i64) {
    let mut left = amount.max(0);
    let allocations = invoices
        .iter()
        .map(|open| {
            let a = allocate_one(left, open);
            left -= a.total();
            a
        })
        .collect();
    (allocations, left)
}

#[cfg(test)]
// Amounts are written as euros_cents (150_00 is € 150.00), as in the rest of the code base.
#[allow(clippy::inconsistent_digit_grouping)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parts(costs: i64, interest: i64, principal: i64) -> OpenParts {
        OpenParts {
            costs,
            interest,
            principal,
        }
    }

    #[test]
    fn costs_then_interest_then_principal() {
        let a = allocate_one(50_00, &parts(40_00, 5_00, 100_00));
        assert_eq!(
            a,
            Allocation {
                costs: 40_00,
                interest: 5_00,
                principal: 5_00
            }
        );
        let a = allocate_one(30_00, &parts(40_00, 5_00, 100_00));
        assert_eq!(
            a,
            Allocation {
                costs: 30_00,
                interest: 0,
                principal: 0
            }
        );
    }

    #[test]
    fn invoices_in_order_and_the_rest_is_overpaid() {
        let (allocs, rest) = allocate(150_00, &[parts(0, 0, 100_00), parts(0, 0, 30_00)]);
        assert_eq!(allocs[0].principal, 100_00);
        assert_eq!(allocs[1].principal, 30_00);
        assert_eq!(rest, 20_00);
    }

    #[test]
    fn a_partial_payment_leaves_later_invoices_untouched() {
        let (allocs, rest) = allocate(60_00, &[parts(0, 0, 100_00), parts(0, 0, 30_00)]);
        assert_eq!(allocs[0].principal, 60_00);
        assert_eq!(allocs[1].total(), 0);
        assert_eq!(rest, 0);
    }

    fn open_parts() -> impl Strategy<Value = OpenParts> {
        (0i64..10_000_00, 0i64..1_000_00, 0i64..100_000_00).prop_map(|(c, i, p)| parts(c, i, p))
    }

    proptest! {
        #[test]
        fn allocations_never_exceed_the_payment_and_cents_add_up(
            amount in 0i64..500_000_00,
            invoices in proptest::collection::vec(open_parts(), 0..8),
        ) {
            let (allocs, rest) = allocate(amount, &invoices);
            let booked: i64 = allocs.iter().map(Allocation::total).sum();
            prop_assert!(rest >= 0);
            prop_assert_eq!(booked + rest, amount);
            let open: i64 = invoices.iter().map(OpenParts::total).sum();
            // Something is overpaid only when every invoice is settled.
            prop_assert_eq!(rest, (amount - open).max(0));
        }

        #[test]
        fn no_invoice_is_over_allocated_and_order_is_kept(
            amount in 0i64..500_000_00,
            invoices in proptest::collection::vec(open_parts(), 1..8),
        ) {
            let (allocs, _) = allocate(amount, &invoices);
            let mut earlier_settled = true;
            for (a, open) in allocs.iter().zip(&invoices) {
                prop_assert!(a.costs >= 0 && a.interest >= 0 && a.principal >= 0);
                let after = open.after(a);
                prop_assert!(after.costs >= 0 && after.interest >= 0 && after.principal >= 0);
                // Principal only once costs and interest are paid.
                if a.principal > 0 { prop_assert!(after.costs == 0 && after.interest == 0); }
                if a.interest > 0 { prop_assert_eq!(after.costs, 0); }
                // A later invoice gets money only when the earlier ones are settled.
                if a.total() > 0 { prop_assert!(earlier_settled); }
                earlier_settled &= after.total() == 0;
                prop_assert_eq!(after.before(a), *open);
            }
        }
    }
}
