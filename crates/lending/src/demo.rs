//! A deterministic demo portfolio for a tenant, built through the services (so audit entries and events
//! are real): four products, ~250 clients with plausible Mexican names, phones and valid CURPs, and ~300
//! loans in every state, disbursed over the past months with their payments. Runs once: a tenant that
//! already has loans is left alone.

use crate::clients::{self, ClientInput};
use crate::loans::{self, LoanInput};
use crate::payments::{self, PaymentInput, PaymentMethod};
use crate::{LendingError, products};
use chrono::{Datelike, Duration, NaiveDate};
use credinet_core::curp::check_digit;
use credinet_core::ids::{ClientId, LoanId, TenantId};
use credinet_core::money::Money;
use credinet_store::Store;
use credinet_store::repo::audit::Requester;
use credinet_store::repo::{loans as loan_repo, tenants};

/// What the demo created.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DemoReport {
    /// True when the tenant already had loans and nothing was created.
    pub skipped: bool,
    pub products: usize,
    pub clients: usize,
    pub loans: usize,
    pub payments: usize,
}

/// SplitMix64: a tiny PRNG whose sequence never changes with a dependency's version.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[usize::try_from(self.below(items.len() as u64)).unwrap_or(0)]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const WOMEN: [&str; 20] = [
    "María",
    "Guadalupe",
    "Juana",
    "Verónica",
    "Leticia",
    "Rosa",
    "Patricia",
    "Alejandra",
    "Gabriela",
    "Adriana",
    "Claudia",
    "Elizabeth",
    "Araceli",
    "Silvia",
    "Norma",
    "Martha",
    "Yolanda",
    "Lucía",
    "Fernanda",
    "Daniela",
];
const MEN: [&str; 20] = [
    "José",
    "Juan",
    "Miguel",
    "Luis",
    "Jorge",
    "Francisco",
    "Antonio",
    "Jesús",
    "Alejandro",
    "Pedro",
    "Ricardo",
    "Fernando",
    "Roberto",
    "Eduardo",
    "Javier",
    "Ramón",
    "Sergio",
    "Raúl",
    "Arturo",
    "Daniel",
];
const SURNAMES: [&str; 30] = [
    "Hernández",
    "García",
    "Martínez",
    "López",
    "González",
    "Pérez",
    "Rodríguez",
    "Sánchez",
    "Ramírez",
    "Cruz",
    "Flores",
    "Gómez",
    "Morales",
    "Vázquez",
    "Reyes",
    "Jiménez",
    "Torres",
    "Díaz",
    "Gutiérrez",
    "Ruiz",
    "Mendoza",
    "Aguilar",
    "Ortiz",
    "Moreno",
    "Castillo",
    "Romero",
    "Álvarez",
    "Méndez",
    "Chávez",
    "Rivera",
];
const STATES: [&str; 8] = ["DF", "MC", "JC", "NL", "PL", "GT", "VZ", "MN"];
const AREAS: [&str; 8] = ["55", "56", "33", "81", "222", "477", "229", "443"];
const STREETS: [&str; 8] = [
    "Av. Insurgentes",
    "Calle Hidalgo",
    "Av. Juárez",
    "Calle Morelos",
    "Calle 5 de Mayo",
    "Av. Reforma",
    "Calle Allende",
    "Calle Zaragoza",
];

fn ascii_upper(s: &str) -> Vec<char> {
    s.chars()
        .map(|c| match c {
            'á' | 'Á' => 'A',
            'é' | 'É' => 'E',
            'í' | 'Í' => 'I',
            'ó' | 'Ó' => 'O',
            'ú' | 'Ú' | 'ü' => 'U',
            'ñ' | 'Ñ' => 'X',
            other => other.to_ascii_uppercase(),
        })
        .collect()
}

fn first_inner(chars: &[char], want_vowel: bool) -> char {
    chars
        .iter()
        .skip(1)
        .copied()
        .find(|c| "AEIOU".contains(*c) == want_vowel && c.is_ascii_uppercase())
        .unwrap_or('X')
}

/// A CURP built the way RENAPO builds one, with its check digit computed by the core.
fn curp_for(given: &str, paternal: &str, maternal: &str, birth: NaiveDate, woman: bool) -> String {
    let (g, p, m) = (
        ascii_upper(given),
        ascii_upper(paternal),
        ascii_upper(maternal),
    );
    let mut c: Vec<char> = vec![p[0], first_inner(&p, true), m[0], g[0]];
    c.extend(
        format!(
            "{:02}{:02}{:02}",
            birth.year() % 100,
            birth.month(),
            birth.day()
        )
        .chars(),
    );
    c.push(if woman { 'M' } else { 'H' });
    c.extend(STATES[(birth.ordinal() as usize) % STATES.len()].chars());
    c.push(first_inner(&p, false));
    c.push(first_inner(&m, false));
    c.push(first_inner(&g, false));
    c.push(if birth.year() < 2000 { '0' } else { 'A' });
    let check = check_digit(&c).unwrap_or('0');
    c.push(check);
    c.into_iter().collect()
}

/// Seeds the demo portfolio. `maker` creates and submits loans and registers payments; `checker` approves
/// (maker–checker holds). Audit entries are left unsealed: the caller seals the tenant afterwards.
pub async fn seed(
    store: &Store,
    tenant: TenantId,
    maker: &Requester,
    checker: &Requester,
) -> Result<DemoReport, LendingError> {
    if loan_repo::count(store.db(), tenant).await? > 0 {
        return Ok(DemoReport {
            skipped: true,
            ..DemoReport::default()
        });
    }
    let zone = tenants::by_id(store.db(), tenant)
        .await?
        .ok_or(LendingError::NotFound("tenant"))?
        .zone;
    let today = zone.local_date(store.now());
    let mut rng = Rng(0x00C0_FFEE_2026);
    let mut report = DemoReport::default();

    let products = products::seed_demo(store, tenant, maker).await?;
    report.products = products.len();

    let mut client_ids: Vec<ClientId> = Vec::new();
    for i in 0..250u64 {
        let woman = rng.chance(55);
        let given = *rng.pick(if woman { &WOMEN } else { &MEN });
        let paternal = *rng.pick(&SURNAMES);
        let maternal = *rng.pick(&SURNAMES);
        let birth = NaiveDate::from_ymd_opt(1960, 1, 1).unwrap_or_default()
            + Duration::days(i64::try_from(rng.below(365 * 43)).unwrap_or(0));
        let area = *rng.pick(&AREAS);
        let digits = 10 - area.len();
        let number = rng.below(10u64.pow(u32::try_from(digits).unwrap_or(8)));
        let input = ClientInput {
            full_name: format!("{given} {paternal} {maternal}"),
            phone: format!("{area}{number:0digits$}"),
            curp: rng
                .chance(85)
                .then(|| curp_for(given, paternal, maternal, birth, woman)),
            rfc: None,
            birth_date: Some(birth),
            address: Some(format!(
                "{} {}, Col. Centro",
                rng.pick(&STREETS),
                1 + rng.below(400)
            )),
            notes: (i % 17 == 0).then(|| "Cliente referido por promotor".to_string()),
        };
        client_ids.push(
            clients::create(store, tenant, input, maker)
                .await?
                .client
                .id,
        );
    }
    report.clients = client_ids.len();

    // Decide every loan's story first, in order, so the portfolio is the same on every run; then live
    // the stories concurrently (each loan's steps in order), which is what makes the demo take seconds.
    let mut plans = Vec::with_capacity(300);
    for i in 0..300u64 {
        let product = rng.pick(&products).id;
        let principal =
            Money::from_centavos(i64::try_from(3_000 + 500 * rng.below(55)).unwrap_or(3_000) * 100);
        let input = LoanInput {
            client: client_ids[usize::try_from(i % 250).unwrap_or(0)],
            product,
            principal,
            term: None,
        };
        let loan = loans::create_draft(store, tenant, input, maker).await?;
        report.loans += 1;
        plans.push(Plan {
            loan: loan.id,
            fate: rng.below(100),
            days_ago: i64::try_from(10 + rng.below(200)).unwrap_or(10),
            behaviour: rng.below(100),
            seed: rng.next(),
        });
    }
    let mut running = tokio::task::JoinSet::new();
    let mut plans = plans.into_iter();
    let mut next = || plans.next();
    for _ in 0..8 {
        if let Some(plan) = next() {
            let (store, maker, checker) = (store.clone(), maker.clone(), checker.clone());
            running.spawn(async move { live(&store, tenant, &maker, &checker, plan, today).await });
        }
    }
    while let Some(done) = running.join_next().await {
        report.payments += done.map_err(|e| LendingError::Invalid(format!("demo task: {e}")))??;
        if let Some(plan) = next() {
            let (store, maker, checker) = (store.clone(), maker.clone(), checker.clone());
            running.spawn(async move { live(&store, tenant, &maker, &checker, plan, today).await });
        }
    }
    Ok(report)
}

/// One loan's story, decided in advance.
struct Plan {
    loan: LoanId,
    /// 5 % stay drafts, 5 % submitted, 5 % are rejected, 5 % approved; the rest are disbursed.
    fate: u64,
    days_ago: i64,
    /// How diligent the borrower is: pays every due installment, falls behind, or stops paying.
    behaviour: u64,
    seed: u64,
}

/// Takes a draft through its plan; returns how many payments it registered.
async fn live(
    store: &Store,
    tenant: TenantId,
    maker: &Requester,
    checker: &Requester,
    plan: Plan,
    today: NaiveDate,
) -> Result<usize, LendingError> {
    let mut rng = Rng(plan.seed);
    let id = plan.loan;
    if plan.fate < 5 {
        return Ok(0);
    }
    loans::submit(store, tenant, id, maker).await?;
    if plan.fate < 10 {
        return Ok(0);
    }
    if plan.fate < 15 {
        loans::reject(store, tenant, id, "Capacidad de pago insuficiente", checker).await?;
        return Ok(0);
    }
    loans::approve(store, tenant, id, checker).await?;
    if plan.fate < 20 {
        return Ok(0);
    }
    let on = today - Duration::days(plan.days_ago);
    let detail = loans::disburse(store, tenant, id, Some(on), checker).await?;
    let due: Vec<_> = detail
        .installments
        .iter()
        .filter(|i| i.due_date <= today)
        .collect();
    let pays = match plan.behaviour {
        0..=59 => due.len(),
        60..=84 => due
            .len()
            .saturating_sub(1 + usize::try_from(rng.below(2)).unwrap_or(0)),
        _ => due.len().min(1),
    };
    let mut count = 0;
    // Borrowers often pay two installments at once: fewer, larger payments.
    let mut k = 0;
    while k < pays {
        let together = if rng.chance(40) && k + 1 < pays { 2 } else { 1 };
        let group = &due[k..k + together];
        let amount = Money::checked_sum(group.iter().map(|i| i.total_due)).unwrap_or(Money::ZERO);
        let last_due = group[together - 1].due_date;
        let paid_on = (last_due - Duration::days(i64::try_from(rng.below(4)).unwrap_or(0))).max(on);
        let input = PaymentInput {
            loan: id,
            amount,
            paid_on: Some(paid_on),
            method: *rng.pick(&[
                PaymentMethod::Cash,
                PaymentMethod::Transfer,
                PaymentMethod::Card,
            ]),
            reference: None,
            idempotency_key: None,
        };
        payments::register(store, tenant, input, maker).await?;
        count += 1;
        k += together;
    }
    // Some early payers settle the whole loan; a few who stopped paying long ago are written off.
    if plan.behaviour < 15 {
        let current = loans::get(store, tenant, id).await?;
        if current.outstanding.is_positive() {
            let input = PaymentInput {
                loan: id,
                amount: current.outstanding,
                paid_on: Some(
                    (today - Duration::days(i64::try_from(rng.below(5)).unwrap_or(0))).max(on),
                ),
                method: PaymentMethod::Transfer,
                reference: Some(format!("LIQ-{}", current.number)),
                idempotency_key: None,
            };
            payments::register(store, tenant, input, maker).await?;
            count += 1;
        }
    } else if plan.behaviour >= 95 && plan.days_ago > 120 {
        loans::write_off(store, tenant, id, "Sin pagos por más de 90 días", checker).await?;
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;
    use credinet_core::curp::Curp;

    #[test]
    fn demo_curps_are_valid_for_the_core() {
        let birth = NaiveDate::from_ymd_opt(1985, 7, 14).unwrap();
        let curp = curp_for("María", "Hernández", "Núñez", birth, true);
        assert!(Curp::parse(&curp).is_ok(), "{curp}");
        assert_eq!(&curp[..4], "HENM");
        let young = NaiveDate::from_ymd_opt(2003, 2, 1).unwrap();
        assert!(Curp::parse(&curp_for("José", "Álvarez", "Ruiz", young, false)).is_ok());
    }
}
