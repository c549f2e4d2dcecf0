//! How a payment is spread over what a loan owes, and how a reversal undoes it.
//!
//! Invariants (SPEC §3, proved by the properties below): no component is ever paid beyond what is due, a
//! payment's allocations add up to the payment, and a reversal restores exactly the state before it.

use crate::money::Money;
use serde::{Deserialize, Serialize};

/// What an installment owes, by kind. Late fees exist only once a cut charges them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Component {
    LateFee,
    LateFeeIva,
    InterestIva,
    Interest,
    Principal,
}

impl Component {
    pub const ALL: [Component; 5] = [
        Component::LateFee,
        Component::LateFeeIva,
        Component::InterestIva,
        Component::Interest,
        Component::Principal,
    ];
}

/// An amount per component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Components {
    pub late_fee: Money,
    pub late_fee_iva: Money,
    pub interest_iva: Money,
    pub interest: Money,
    pub principal: Money,
}

impl Components {
    pub fn get(&self, component: Component) -> Money {
        match component {
            Component::LateFee => self.late_fee,
            Component::LateFeeIva => self.late_fee_iva,
            Component::InterestIva => self.interest_iva,
            Component::Interest => self.interest,
            Component::Principal => self.principal,
        }
    }

    fn slot(&mut self, component: Component) -> &mut Money {
        match component {
            Component::LateFee => &mut self.late_fee,
            Component::LateFeeIva => &mut self.late_fee_iva,
            Component::InterestIva => &mut self.interest_iva,
            Component::Interest => &mut self.interest,
            Component::Principal => &mut self.principal,
        }
    }

    /// The sum of all components, `None` on overflow.
    pub fn total(&self) -> Option<Money> {
        Money::checked_sum(Component::ALL.iter().map(|c| self.get(*c)))
    }
}

/// The order in which a payment covers an installment's components: a permutation of all five.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct AllocationOrder(Vec<Component>);

impl AllocationOrder {
    /// Refuses an order that leaves out or repeats a component: either would leave money unallocatable.
    pub fn new(order: Vec<Component>) -> Result<AllocationOrder, AllocationError> {
        let mut sorted = order.clone();
        sorted.sort_unstable();
        if sorted != Component::ALL {
            return Err(AllocationError::InvalidOrder(order));
        }
        Ok(AllocationOrder(order))
    }

    pub fn components(&self) -> &[Component] {
        &self.0
    }
}

/// SPEC §3: late fees → IVA → interest → principal.
impl Default for AllocationOrder {
    fn default() -> Self {
        AllocationOrder(Component::ALL.to_vec())
    }
}

impl<'de> Deserialize<'de> for AllocationOrder {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        AllocationOrder::new(Vec::<Component>::deserialize(deserializer)?)
            .map_err(serde::de::Error::custom)
    }
}

/// What one installment owes and has been paid. Fields are private so that `paid <= due` always holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InstallmentBalance {
    number: u32,
    due: Components,
    paid: Components,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AllocationError {
    #[error("a payment must be a positive amount, got {0}")]
    NonPositiveAmount(Money),
    #[error(
        "the payment of {amount} is above the payoff amount of {payoff}; the most this loan accepts is {payoff}"
    )]
    AbovePayoff { payoff: Money, amount: Money },
    #[error("installment {0} does not exist in this loan")]
    UnknownInstallment(u32),
    #[error(
        "installment {installment} cannot receive {amount} more of {component:?}: it would exceed what is due"
    )]
    ExceedsDue {
        installment: u32,
        component: Component,
        amount: Money,
    },
    #[error(
        "installment {installment} cannot give back {amount} of {component:?}: less than that was paid"
    )]
    ExceedsPaid {
        installment: u32,
        component: Component,
        amount: Money,
    },
    #[error("installment {installment} has a negative or inconsistent amount of {component:?}")]
    InvalidBalance {
        installment: u32,
        component: Component,
    },
    #[error("the allocation order must list each of the five components once, got {0:?}")]
    InvalidOrder(Vec<Component>),
    #[error("the amounts are too large to add up")]
    Overflow,
}

impl InstallmentBalance {
    /// A fresh installment as scheduled, nothing paid.
    pub fn new(number: u32, due: Components) -> Result<InstallmentBalance, AllocationError> {
        InstallmentBalance::restore(number, due, Components::default())
    }

    /// Rebuilds a stored installment, refusing states that break `0 <= paid <= due` per component.
    pub fn restore(
        number: u32,
        due: Components,
        paid: Components,
    ) -> Result<InstallmentBalance, AllocationError> {
        for component in Component::ALL {
            let (d, p) = (due.get(component), paid.get(component));
            if d.is_negative() || p.is_negative() || p > d {
                return Err(AllocationError::InvalidBalance {
                    installment: number,
                    component,
                });
            }
        }
        due.total().ok_or(AllocationError::Overflow)?;
        Ok(InstallmentBalance { number, due, paid })
    }

    /// Adds a charge (a cut's late fee and its IVA) to what is due.
    pub fn charge(&mut self, component: Component, amount: Money) -> Result<(), AllocationError> {
        if amount.is_negative() {
            return Err(AllocationError::InvalidBalance {
                installment: self.number,
                component,
            });
        }
        let mut due = self.due;
        *due.slot(component) = due
            .get(component)
            .checked_add(amount)
            .ok_or(AllocationError::Overflow)?;
        due.total().ok_or(AllocationError::Overflow)?;
        self.due = due;
        Ok(())
    }

    pub fn number(&self) -> u32 {
        self.number
    }
    pub fn due(&self) -> &Components {
        &self.due
    }
    pub fn paid(&self) -> &Components {
        &self.paid
    }

    pub fn outstanding_of(&self, component: Component) -> Money {
        // paid <= due, both non-negative: the difference cannot overflow.
        Money::from_centavos(
            self.due.get(component).centavos() - self.paid.get(component).centavos(),
        )
    }

    /// What is still owed on this installment.
    pub fn outstanding(&self) -> Money {
        let cents = Component::ALL
            .iter()
            .map(|c| self.outstanding_of(*c).centavos())
            .sum();
        // Each outstanding is at most its due and the dues' total fits (checked on construction).
        Money::from_centavos(cents)
    }

    pub fn is_fully_paid(&self) -> bool {
        self.outstanding().is_zero()
    }
}

/// One slice of a payment: so much of this component of this installment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allocation {
    pub installment: u32,
    pub component: Component,
    pub amount: Money,
}

/// The payoff amount: everything outstanding on every installment (no rebate of future interest).
pub fn payoff(installments: &[InstallmentBalance]) -> Result<Money, AllocationError> {
    Money::checked_sum(installments.iter().map(InstallmentBalance::outstanding))
        .ok_or(AllocationError::Overflow)
}

/// Spreads a payment: oldest installment (lowest number) first, and within an installment in `order`.
pub fn allocate(
    installments: &[InstallmentBalance],
    amount: Money,
    order: &AllocationOrder,
) -> Result<Vec<Allocation>, AllocationError> {
    if !amount.is_positive() {
        return Err(AllocationError::NonPositiveAmount(amount));
    }
    let payoff = payoff(installments)?;
    if amount > payoff {
        return Err(AllocationError::AbovePayoff { payoff, amount });
    }
    let mut oldest_first: Vec<&InstallmentBalance> = installments.iter().collect();
    oldest_first.sort_by_key(|i| i.number);
    let mut left = amount;
    let mut allocations = Vec::new();
    for installment in oldest_first {
        for &component in order.components() {
            if left.is_zero() {
                return Ok(allocations);
            }
            let take = installment.outstanding_of(component).min(left);
            if take.is_positive() {
                allocations.push(Allocation {
                    installment: installment.number,
                    component,
                    amount: take,
                });
                left = left.checked_sub(take).ok_or(AllocationError::Overflow)?;
            }
        }
    }
    Ok(allocations)
}

/// Records allocations as paid. All or nothing: if any allocation would overpay, nothing changes.
pub fn apply(
    installments: &mut [InstallmentBalance],
    allocations: &[Allocation],
) -> Result<(), AllocationError> {
    change(installments, allocations, Direction::Pay)
}

/// Undoes allocations exactly (a reversal). All or nothing: if any would un-pay more than was paid, nothing
/// changes.
pub fn reverse(
    installments: &mut [InstallmentBalance],
    allocations: &[Allocation],
) -> Result<(), AllocationError> {
    change(installments, allocations, Direction::Reverse)
}

#[derive(Clone, Copy)]
enum Direction {
    Pay,
    Reverse,
}

fn change(
    installments: &mut [InstallmentBalance],
    allocations: &[Allocation],
    direction: Direction,
) -> Result<(), AllocationError> {
    // Work on a copy so that a refusal half-way leaves the caller's state untouched.
    let mut next = installments.to_vec();
    for a in allocations {
        if a.amount.is_negative() {
            return Err(AllocationError::NonPositiveAmount(a.amount));
        }
        let target = next
            .iter_mut()
            .find(|i| i.number == a.installment)
            .ok_or(AllocationError::UnknownInstallment(a.installment))?;
        let paid = target.paid.get(a.component);
        let new_paid = match direction {
            Direction::Pay => paid
                .checked_add(a.amount)
                .filter(|p| *p <= target.due.get(a.component))
                .ok_or(AllocationError::ExceedsDue {
                    installment: a.installment,
                    component: a.component,
                    amount: a.amount,
                })?,
            Direction::Reverse => paid
                .checked_sub(a.amount)
                .filter(|p| !p.is_negative())
                .ok_or(AllocationError::ExceedsPaid {
                    installment: a.installment,
                    component: a.component,
                    amount: a.amount,
                })?,
        };
        *target.paid.slot(a.component) = new_paid;
    }
    installments.clone_from_slice(&next);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn m(c: i64) -> Money {
        Money::from_centavos(c)
    }

    fn scheduled(number: u32, principal: i64, interest: i64, iva: i64) -> InstallmentBalance {
        let due = Components {
            principal: m(principal),
            interest: m(interest),
            interest_iva: m(iva),
            ..Default::default()
        };
        InstallmentBalance::new(number, due).unwrap()
    }

    fn loan() -> Vec<InstallmentBalance> {
        let mut first = scheduled(1, 166_667, 50_000, 8_000);
        first.charge(Component::LateFee, m(20_000)).unwrap();
        first.charge(Component::LateFeeIva, m(3_200)).unwrap();
        vec![
            first,
            scheduled(2, 166_667, 50_000, 8_000),
            scheduled(3, 166_666, 50_000, 8_000),
        ]
    }

    #[test]
    fn a_payment_covers_late_fees_then_iva_then_interest_then_principal_of_the_oldest_installment()
    {
        let allocations = allocate(&loan(), m(90_000), &AllocationOrder::default()).unwrap();
        let got: Vec<(u32, Component, i64)> = allocations
            .iter()
            .map(|a| (a.installment, a.component, a.amount.centavos()))
            .collect();
        assert_eq!(
            got,
            vec![
                (1, Component::LateFee, 20_000),
                (1, Component::LateFeeIva, 3_200),
                (1, Component::InterestIva, 8_000),
                (1, Component::Interest, 50_000),
                (1, Component::Principal, 8_800),
            ]
        );
    }

    #[test]
    fn the_oldest_installment_is_paid_first_whatever_the_slice_order() {
        let mut reversed = loan();
        reversed.reverse();
        let allocations = allocate(&reversed, m(1), &AllocationOrder::default()).unwrap();
        assert_eq!(allocations[0].installment, 1);
    }

    #[test]
    fn a_payment_above_payoff_is_refused_with_the_payoff() {
        // 3 × (principal + 500.00 + 80.00) + 200.00 + 32.00 = 5,000.00 + 1,740.00 + 232.00
        let payoff_amount = payoff(&loan()).unwrap();
        assert_eq!(payoff_amount, m(697_200));
        let err = allocate(&loan(), m(697_201), &AllocationOrder::default()).unwrap_err();
        assert_eq!(
            err,
            AllocationError::AbovePayoff {
                payoff: m(697_200),
                amount: m(697_201)
            }
        );
        assert!(err.to_string().contains("$6,972.00"), "{err}");
        assert!(allocate(&loan(), m(697_200), &AllocationOrder::default()).is_ok());
    }

    #[test]
    fn zero_and_negative_payments_are_refused() {
        let order = AllocationOrder::default();
        assert_eq!(
            allocate(&loan(), Money::ZERO, &order),
            Err(AllocationError::NonPositiveAmount(Money::ZERO))
        );
        assert_eq!(
            allocate(&loan(), m(-5), &order),
            Err(AllocationError::NonPositiveAmount(m(-5)))
        );
    }

    #[test]
    fn a_product_may_put_principal_first() {
        let order = AllocationOrder::new(vec![
            Component::Principal,
            Component::Interest,
            Component::InterestIva,
            Component::LateFee,
            Component::LateFeeIva,
        ])
        .unwrap();
        let allocations = allocate(&loan(), m(100), &order).unwrap();
        assert_eq!(
            allocations,
            vec![Allocation {
                installment: 1,
                component: Component::Principal,
                amount: m(100)
            }]
        );
    }

    #[test]
    fn an_order_missing_or_repeating_a_component_is_refused() {
        assert!(AllocationOrder::new(vec![Component::Principal]).is_err());
        let mut repeated = Component::ALL.to_vec();
        repeated[4] = Component::LateFee;
        assert!(AllocationOrder::new(repeated).is_err());
        assert!(serde_json::from_str::<AllocationOrder>("[\"principal\"]").is_err());
        let json = serde_json::to_string(&AllocationOrder::default()).unwrap();
        assert_eq!(
            json,
            "[\"late_fee\",\"late_fee_iva\",\"interest_iva\",\"interest\",\"principal\"]"
        );
    }

    #[test]
    fn an_allocation_that_would_overpay_changes_nothing() {
        let mut installments = loan();
        let before = installments.clone();
        let bad = [
            Allocation {
                installment: 1,
                component: Component::Interest,
                amount: m(100),
            },
            Allocation {
                installment: 2,
                component: Component::LateFee,
                amount: m(1),
            },
        ];
        assert!(matches!(
            apply(&mut installments, &bad),
            Err(AllocationError::ExceedsDue { installment: 2, .. })
        ));
        assert_eq!(installments, before);
        let unknown = [Allocation {
            installment: 9,
            component: Component::Interest,
            amount: m(1),
        }];
        assert_eq!(
            apply(&mut installments, &unknown),
            Err(AllocationError::UnknownInstallment(9))
        );
    }

    #[test]
    fn reversing_more_than_was_paid_is_refused() {
        let mut installments = loan();
        let a = [Allocation {
            installment: 1,
            component: Component::Interest,
            amount: m(1),
        }];
        assert!(matches!(
            reverse(&mut installments, &a),
            Err(AllocationError::ExceedsPaid { .. })
        ));
    }

    #[test]
    fn a_stored_state_with_paid_above_due_is_refused() {
        let due = Components {
            interest: m(10),
            ..Default::default()
        };
        let paid = Components {
            interest: m(11),
            ..Default::default()
        };
        assert_eq!(
            InstallmentBalance::restore(1, due, paid),
            Err(AllocationError::InvalidBalance {
                installment: 1,
                component: Component::Interest
            })
        );
    }

    fn arb_installments() -> impl Strategy<Value = Vec<InstallmentBalance>> {
        proptest::collection::vec(
            (0i64..200_000, 0i64..50_000, 0i64..8_000, 0i64..20_000),
            1..8,
        )
        .prop_map(|rows| {
            rows.into_iter()
                .enumerate()
                .map(|(i, (p, int, iva, fee))| {
                    let due = Components {
                        principal: m(p),
                        interest: m(int),
                        interest_iva: m(iva),
                        late_fee: m(fee),
                        late_fee_iva: m(fee * 16 / 100),
                    };
                    InstallmentBalance::new(u32::try_from(i).unwrap() + 1, due).unwrap()
                })
                .collect()
        })
    }

    fn total_paid(installments: &[InstallmentBalance]) -> i64 {
        installments
            .iter()
            .map(|i| i.paid().total().unwrap().centavos())
            .sum()
    }

    proptest! {
        #[test]
        fn allocations_add_up_to_the_payment_and_never_exceed_what_is_due(
            installments in arb_installments(), permille in 0i64..=1000
        ) {
            let payoff_cents = payoff(&installments).unwrap().centavos();
            prop_assume!(payoff_cents > 0);
            let amount = m((payoff_cents * permille / 1000).clamp(1, payoff_cents));
            let allocations = allocate(&installments, amount, &AllocationOrder::default()).unwrap();
            let sum: i64 = allocations.iter().map(|a| a.amount.centavos()).sum();
            prop_assert_eq!(sum, amount.centavos());
            let mut after = installments.clone();
            apply(&mut after, &allocations).unwrap();
            for i in &after {
                for c in Component::ALL {
                    prop_assert!(i.paid().get(c) <= i.due().get(c));
                }
            }
        }

        #[test]
        fn after_payments_and_reversals_paid_equals_payments_minus_reversals(
            installments in arb_installments(),
            steps in proptest::collection::vec((1i64..100_000, any::<bool>()), 1..12)
        ) {
            let mut state = installments;
            let mut posted: Vec<Vec<Allocation>> = Vec::new();
            let (mut payments, mut reversals) = (0i64, 0i64);
            for (amount, reverse_one) in steps {
                if reverse_one && !posted.is_empty() {
                    let undone = posted.remove(0);
                    let before_paid = total_paid(&state);
                    reverse(&mut state, &undone).unwrap();
                    let amount: i64 = undone.iter().map(|a| a.amount.centavos()).sum();
                    prop_assert_eq!(total_paid(&state), before_paid - amount);
                    reversals += amount;
                } else if let Ok(allocations) = allocate(&state, m(amount), &AllocationOrder::default()) {
                    apply(&mut state, &allocations).unwrap();
                    payments += amount;
                    posted.push(allocations);
                }
                prop_assert_eq!(total_paid(&state), payments - reversals);
            }
        }

        #[test]
        fn reversing_a_payment_restores_the_exact_prior_state(
            installments in arb_installments(), amount in 1i64..500_000
        ) {
            let mut state = installments;
            let before = state.clone();
            if let Ok(allocations) = allocate(&state, m(amount), &AllocationOrder::default()) {
                apply(&mut state, &allocations).unwrap();
                reverse(&mut state, &allocations).unwrap();
                prop_assert_eq!(state, before);
            }
        }

        #[test]
        fn a_payment_above_payoff_is_always_refused(installments in arb_installments(), extra in 1i64..1_000) {
            let payoff_amount = payoff(&installments).unwrap();
            let amount = m(payoff_amount.centavos() + extra);
            prop_assert_eq!(
                allocate(&installments, amount, &AllocationOrder::default()),
                Err(AllocationError::AbovePayoff { payoff: payoff_amount, amount })
            );
        }
    }
}
