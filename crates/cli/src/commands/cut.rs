//! `credinet cut run|show`: the period cut from the command line. `run` back-fills a missed date and
//! resumes an interrupted cut (after a crash or a kill, run the same command again); a date that is not
//! a cut day, or is in the future in the tenant's zone, is refused before anything is written.

use super::{open, tenant_by_slug};
use crate::settings::Settings;
use anyhow::Context;
use chrono::NaiveDate;
use credinet_accounts::Requester;
use credinet_lending::cuts::{self, Cut, CutOptions, CutProgress, CutSummary};
use credinet_lending::page::PageRequest;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::ops::ControlFlow;
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum Command {
    /// Run the cut of a date (or resume it); a done cut is shown, not run again.
    Run {
        /// Tenant slug.
        #[arg(long)]
        tenant: String,
        /// The cut date, YYYY-MM-DD: one of the tenant's cut days, today or earlier.
        #[arg(long)]
        date: String,
        /// Loans per transaction.
        #[arg(long, default_value_t = CutOptions::default().page_size, value_parser = clap::value_parser!(u64).range(1..=10_000))]
        page_size: u64,
    },
    /// Show the tenant's cuts, or one cut's summary.
    Show {
        #[arg(long)]
        tenant: String,
        /// Only the cut of this date (YYYY-MM-DD).
        #[arg(long)]
        date: Option<String>,
    },
}

/// Parsed here rather than by clap, so a bad date is a one-line error like every other refusal.
fn parse_date(raw: &str) -> anyhow::Result<NaiveDate> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| {
        anyhow::anyhow!("'{raw}' is not a date; write it as YYYY-MM-DD, e.g. 2026-01-08")
    })
}

pub async fn run(settings: &Settings, command: Command) -> anyhow::Result<ExitCode> {
    let store = open(settings).await?;
    match command {
        Command::Run {
            tenant,
            date,
            page_size,
        } => {
            let date = parse_date(&date)?;
            let tenant = tenant_by_slug(&store, &tenant).await?;
            let mut report = Progress::new();
            let cut = cuts::run(
                &store,
                tenant.id,
                date,
                &Requester::cli(),
                CutOptions { page_size },
                |p| {
                    report.show(p);
                    ControlFlow::Continue(())
                },
            )
            .await
            .with_context(|| format!("cut of {date} for {}", tenant.slug))?;
            report.finish();
            print_cut(&cut);
        }
        Command::Show { tenant, date } => {
            let date = date.as_deref().map(parse_date).transpose()?;
            let tenant = tenant_by_slug(&store, &tenant).await?;
            match date {
                Some(date) => {
                    let cut = cuts::get(&store, tenant.id, date)
                        .await?
                        .with_context(|| format!("{} has no cut of {date}", tenant.slug))?;
                    print_cut(&cut);
                }
                None => {
                    let page = cuts::list(&store, tenant.id, PageRequest::number(1, 50)).await?;
                    if page.items.is_empty() {
                        println!("{} has no cuts yet", tenant.slug);
                    } else {
                        print_list(&page.items);
                    }
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A progress bar for a person at a terminal; plain lines, one per tenth, for logs and pipes.
struct Progress {
    bar: Option<ProgressBar>,
    tenths_shown: u64,
}

impl Progress {
    fn new() -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(0);
            if let Ok(style) = ProgressStyle::with_template(
                "{msg} [{bar:40}] {pos}/{len} préstamos ({per_sec}, {eta})",
            ) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar
        });
        Progress {
            bar,
            tenths_shown: 0,
        }
    }

    fn show(&mut self, p: &CutProgress) {
        let total = p.loans_total.max(p.loans_done);
        match &self.bar {
            Some(bar) => {
                bar.set_message(format!("corte {}", p.cut_date));
                bar.set_length(total);
                bar.set_position(p.loans_done);
            }
            None => {
                let tenths = (p.loans_done * 10).checked_div(total).unwrap_or(10);
                if tenths > self.tenths_shown {
                    self.tenths_shown = tenths;
                    eprintln!(
                        "cut {}: {} of {} loans, {} pages",
                        p.cut_date, p.loans_done, total, p.pages_done
                    );
                }
            }
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

fn print_cut(cut: &Cut) {
    println!(
        "cut {} (period from {}): {}, {} of {} loans",
        cut.cut_date,
        cut.period_start,
        status(cut),
        cut.loans_done,
        cut.loans_total
    );
    if let Some(s) = &cut.summary {
        print_summary(s);
    }
}

fn status(cut: &Cut) -> &'static str {
    match cut.status {
        cuts::CutStatus::Running => "running (run it again to resume)",
        cuts::CutStatus::Done => "done",
    }
}

fn print_summary(s: &CutSummary) {
    let rows = [
        ("statements", s.loans.to_string()),
        ("billed", s.billed.to_string()),
        ("collected", s.collected.to_string()),
        ("reversed", s.reversed.to_string()),
        ("late fees + IVA", s.charged.to_string()),
        ("overdue", s.overdue.to_string()),
        ("overdue loans", s.overdue_loans.to_string()),
        ("outstanding", s.outstanding.to_string()),
        ("outstanding principal", s.outstanding_principal.to_string()),
        (
            "PAR15",
            format!("{}% ({})", s.par15_percent(), s.par15_principal),
        ),
        (
            "PAR30",
            format!("{}% ({})", s.par30_percent(), s.par30_principal),
        ),
    ];
    for (name, value) in rows {
        println!("  {name:<22} {value:>20}");
    }
}

fn print_list(items: &[Cut]) {
    println!(
        "{:<12} {:<8} {:>9} {:>18} {:>18} {:>18} {:>8} {:>8}",
        "date", "status", "loans", "billed", "collected", "overdue", "PAR15", "PAR30"
    );
    for cut in items {
        let s = cut.summary.unwrap_or_default();
        let state = match cut.status {
            cuts::CutStatus::Running => "running",
            cuts::CutStatus::Done => "done",
        };
        println!(
            "{:<12} {:<8} {:>9} {:>18} {:>18} {:>18} {:>7}% {:>7}%",
            cut.cut_date.to_string(),
            state,
            format!("{}/{}", cut.loans_done, cut.loans_total),
            s.billed.to_string(),
            s.collected.to_string(),
            s.overdue.to_string(),
            s.par15_percent(),
            s.par30_percent()
        );
    }
}
