//! `credinet demo` and `serve --demo`: a demo tenant with one user per role.

use super::{generated_password, guard_production, open};
use crate::settings::Settings;
use credinet_accounts::{Accounts, Requester, TenantInput, UserInput};
use credinet_core::role::Role;
use credinet_core::zone::DEFAULT_ZONE;
use credinet_lending::demo;
use credinet_store::Store;
use credinet_store::repo::audit::{Actor, ActorKind};
use credinet_store::repo::{tenants, users};
use std::process::ExitCode;

pub const DEMO_SLUG: &str = "demo";

#[derive(clap::Args, Clone, Default)]
pub struct DemoArgs {
    /// Password for every demo user (default: a new random one, printed).
    #[arg(long, env = "CREDINET_DEMO_PASSWORD", hide_env_values = true)]
    pub demo_password: Option<String>,
    /// In production, the name of the database, to confirm.
    #[arg(long)]
    pub confirm: Option<String>,
}

const STAFF: [(&str, &str, Role); 5] = [
    ("admin@demo.mx", "Adriana Admin", Role::Admin),
    ("gerente@demo.mx", "Gerardo Gerente", Role::Manager),
    ("cajero@demo.mx", "Carmen Cajera", Role::Cashier),
    ("agente@demo.mx", "Agustín Agente", Role::Agent),
    ("consulta@demo.mx", "Consuelo Consulta", Role::Viewer),
];

pub async fn run(settings: &Settings, args: DemoArgs) -> anyhow::Result<ExitCode> {
    let store = open(settings).await?;
    seed(
        settings,
        &store,
        &args,
        &format!("http://{}", settings.http.bind),
    )
    .await?;
    Ok(ExitCode::SUCCESS)
}

/// Creates the demo tenant and staff when missing, sets every demo user's password, prints how to sign in.
pub async fn seed(
    settings: &Settings,
    store: &Store,
    args: &DemoArgs,
    base_url: &str,
) -> anyhow::Result<()> {
    guard_production(settings, args.confirm.as_deref(), "loading demo data")?;
    let accounts = Accounts::new(store);
    let by = Requester::cli();
    let tenant = match tenants::by_slug(store.db(), DEMO_SLUG).await? {
        Some(t) => t,
        None => {
            let input = TenantInput {
                slug: DEMO_SLUG.into(),
                legal_name: "Financiera Demo, S.A. de C.V., SOFOM E.N.R.".into(),
                time_zone: DEFAULT_ZONE.into(),
            };
            accounts.create_tenant(input, &by).await?
        }
    };
    let password = args
        .demo_password
        .clone()
        .unwrap_or_else(generated_password);
    let mut staff = Vec::new();
    for (email, name, role) in STAFF {
        let user = match users::credentials(store.db(), tenant.id, email).await? {
            Some((user, _)) => accounts
                .set_password(tenant.id, user.id, password.clone(), &by)
                .await?
                .unwrap_or(user),
            None => {
                let input = UserInput {
                    email: email.into(),
                    full_name: name.into(),
                    role,
                    password: password.clone(),
                };
                accounts.create_user(tenant.id, input, &by).await?
            }
        };
        staff.push(user);
    }
    // The portfolio is made by the demo cashier (maker) and approved by the demo manager (checker).
    let as_user = |email: &str| {
        let user = staff
            .iter()
            .find(|u| u.email == email)
            .expect("demo staff exists");
        Requester {
            actor: Actor {
                kind: ActorKind::User,
                id: Some(user.id.get()),
                label: user.email.clone(),
            },
            origin: Default::default(),
        }
    };
    let (maker, checker) = (as_user("cajero@demo.mx"), as_user("gerente@demo.mx"));
    let report = demo::seed(store, tenant.id, &maker, &checker).await?;
    if !report.skipped {
        println!(
            "Demo portfolio: {} products, {} clients, {} loans, {} payments.",
            report.products, report.clients, report.loans, report.payments
        );
    }
    println!();
    println!("Demo data ready. Sign in at {base_url}/login?tenant={DEMO_SLUG}");
    println!("  Empresa: {DEMO_SLUG}    Contraseña (todos): {password}");
    for (email, _, role) in STAFF {
        println!("  {:<18} {}", email, role.label_es());
    }
    println!();
    Ok(())
}
