//! `/tareas`, the jobs page, on the three backends: the next cut in the tenant's local time (dd/mm/aaaa
//! HH:MM and the zone's abbreviation, the one format of the pages) and in UTC, who sees it and who may run a job by hand, and a run by hand from the button.

use crate::back_office::{links, staff_browser};
use crate::helpers::TestApp;
use crate::helpers::{hidden_csrf, meta_csrf};
use credinet_core::role::Role;
use credinet_store::each_backend;
use credinet_store::repo::job_runs::{self, RunStatus, RunTrigger};
use credinet_store::testing::TestDb;
use std::time::{Duration, Instant};

/// `dd/mm/aaaa ` followed by `time` (`00:05 CST`).
fn is_local_time(text: &str, time: &str) -> bool {
    let b = text.as_bytes();
    text.len() == 11 + time.len()
        && text.ends_with(time)
        && b[2] == b'/'
        && b[5] == b'/'
        && b[10] == b' '
        && [0, 1, 3, 4, 6, 7, 8, 9]
            .iter()
            .all(|&i| b[i].is_ascii_digit())
}

/// Whether an ISO date (`aaaa-mm-dd`) is written anywhere in `text`.
fn has_iso_date(text: &str) -> bool {
    text.as_bytes().windows(10).any(|w| {
        w[4] == b'-'
            && w[7] == b'-'
            && [0, 1, 2, 3, 5, 6, 8, 9]
                .iter()
                .all(|&i| w[i].is_ascii_digit())
    })
}

each_backend!(
    the_jobs_page_shows_the_next_cut_in_local_time_and_admins_run_it_by_hand,
    only_admins_and_managers_see_the_jobs_page_and_only_admins_run_a_job,
);

async fn the_jobs_page_shows_the_next_cut_in_local_time_and_admins_run_it_by_hand(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja-tareas").await;
    let admin = staff_browser(&app, &l, Role::Admin).await;
    let page = app.visit(&admin, "/tareas").await.assert_status(200).body;
    assert!(
        links(&page).contains(&"/tareas".to_string()),
        "in the sidebar"
    );
    let cut = page
        .split("id=\"tarea-period_cut\"")
        .nth(1)
        .expect("the period cut is listed")
        .split("</section>")
        .next()
        .unwrap();
    // Mexico City is UTC−06:00 all year (no DST since 2022): whatever today is, the next cut is at 00:05
    // local (CST), 06:05 UTC, in the one format of the pages: dd/mm/aaaa HH:MM and the abbreviation.
    let next = cut
        .split("class=\"next-local\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap_or_default();
    assert!(
        is_local_time(next, "00:05 CST"),
        "next run in local time, dd/mm/aaaa HH:MM CST:\n{cut}"
    );
    assert!(cut.contains("06:05 UTC</span>"), "and in UTC:\n{cut}");
    assert!(
        !has_iso_date(cut) && !cut.contains("UTC\u{2212}"),
        "no aaaa-mm-dd date nor offset left:\n{cut}"
    );
    assert!(cut.contains("Aún no se ha ejecutado."), "{cut}");
    assert!(
        cut.contains("Ejecutar ahora"),
        "an admin may run it:\n{cut}"
    );
    let system = page
        .split("id=\"tarea-session_expiry\"")
        .nth(1)
        .expect("the installation's jobs are listed too")
        .split("</section>")
        .next()
        .unwrap();
    assert!(system.contains("Toda la instalación"), "{system}");
    assert!(
        !system.contains("Ejecutar ahora"),
        "a system job touches every tenant: not run from a tenant's page"
    );

    // «Ejecutar ahora»: post, then redirect back (post/redirect/get) with a notice.
    let token = hidden_csrf(cut);
    let ran = admin
        .post(app.url("/tareas/period_cut/ejecutar"))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(ran.status(), 303);
    assert_eq!(ran.headers()["location"], "/tareas");
    // The run finishes in the background; the wait is a failsafe, not a measure.
    let deadline = Instant::now() + Duration::from_secs(60);
    let run = loop {
        let runs = job_runs::recent(app.app_store.db(), "period_cut", Some(l.tenant.id), 5)
            .await
            .unwrap();
        assert_eq!(runs.len(), 1, "one run: {runs:?}");
        if runs[0].status != RunStatus::Running {
            break runs[0].clone();
        }
        assert!(Instant::now() < deadline, "the run by hand never ended");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(run.status, RunStatus::Succeeded, "{run:?}");
    assert_eq!(run.trigger, RunTrigger::Manual);
    let cut_date = run.summary.as_ref().unwrap()["cut_date"]
        .as_str()
        .unwrap()
        .to_string();
    let day = chrono::NaiveDate::parse_from_str(&cut_date, "%Y-%m-%d")
        .unwrap()
        .format("%d/%m/%Y")
        .to_string();

    // The notice travels in the one-time flash (ADR 19): said once, not again on a reload.
    let page = app.visit(&admin, "/tareas").await.assert_status(200).body;
    assert!(page.contains("La tarea empezó a ejecutarse."), "{page}");
    let reloaded = app.visit(&admin, "/tareas").await.assert_status(200).body;
    assert!(
        !reloaded.contains("La tarea empezó a ejecutarse."),
        "said once"
    );
    let cut = page.split("id=\"tarea-period_cut\"").nth(1).unwrap();
    let cut = cut.split("</section>").next().unwrap();
    for expected in [
        "Manual",
        "Exitosa",
        &format!("Corte del {day}: 0 préstamos"),
    ] {
        assert!(cut.contains(expected), "{expected} in:\n{cut}");
    }
    assert!(
        cut.contains(" ms</td>") || cut.contains(" s</td>"),
        "a duration:\n{cut}"
    );
    assert!(
        !has_iso_date(cut) && cut.contains(" CST</td>"),
        "the run's times read dd/mm/aaaa HH:MM CST:\n{cut}"
    );
    // The cut exists, and the cuts page lists it.
    let cuts = app.visit(&admin, "/cortes").await.assert_status(200).body;
    // It names the next cut from the scheduler's own schedule, not a time written in the template.
    let next = cuts
        .split("class=\"next-cut\">")
        .nth(1)
        .expect("the next cut is named")
        .split('<')
        .next()
        .unwrap();
    assert!(is_local_time(next, "00:05 CST"), "{next}");
    assert!(
        cuts.contains(&format!("href=\"/cortes/{cut_date}\"")),
        "{cuts}"
    );
}

async fn only_admins_and_managers_see_the_jobs_page_and_only_admins_run_a_job(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja-permisos").await;
    let manager = staff_browser(&app, &l, Role::Manager).await;
    let page = app.visit(&manager, "/tareas").await.assert_status(200).body;
    assert!(page.contains("Corte de periodo"), "{page}");
    assert!(!page.contains("Ejecutar ahora"), "a manager only reads it");
    let token = meta_csrf(&page);
    let post = |browser: &reqwest::Client, path: &str, token: &str| {
        browser
            .post(app.url(path))
            .form(&[("csrf_token", token.to_string())])
            .send()
    };
    let refused = post(&manager, "/tareas/period_cut/ejecutar", &token)
        .await
        .unwrap();
    assert_eq!(refused.status(), 403, "a manager may not run a job");

    let cashier = staff_browser(&app, &l, Role::Cashier).await;
    let home = app.visit(&cashier, "/").await.assert_status(200).body;
    assert!(
        !links(&home).contains(&"/tareas".to_string()),
        "not in a cashier's sidebar"
    );
    app.visit(&cashier, "/tareas").await.assert_status(403);

    let admin = staff_browser(&app, &l, Role::Admin).await;
    let page = app.visit(&admin, "/tareas").await.assert_status(200).body;
    let token = hidden_csrf(&page);
    let refused = post(&admin, "/tareas/period_cut/ejecutar", "")
        .await
        .unwrap();
    assert_eq!(refused.status(), 403, "no CSRF token");
    let unknown = post(&admin, "/tareas/backup_nightly/ejecutar", &token)
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
    let system = post(&admin, "/tareas/session_expiry/ejecutar", &token)
        .await
        .unwrap();
    assert_eq!(
        system.status(),
        404,
        "a system job is not run from a tenant's page"
    );
    for job in ["period_cut", "session_expiry"] {
        let tenant = (job == "period_cut").then_some(l.tenant.id);
        let runs = job_runs::recent(app.app_store.db(), job, tenant, 5)
            .await
            .unwrap();
        assert!(runs.is_empty(), "refused runs record nothing: {runs:?}");
    }
}
