//! Lending: clients, loan products, loans with their installments, payments with their allocations and
//! reversals, tenant holidays, per-tenant counters and the domain-event outbox.
//!
//! Money is BIGINT centavos; rates are TEXT decimal strings (never a float column); business dates are
//! `DATE` (SQLite: `date_text`, ISO `YYYY-MM-DD`, which sorts and compares as dates); instants go through
//! `columns::instant`. Every index starts with `tenant_id`, the shard key.

use super::columns::{
    big_int, big_int_null, boolean, fk, id, index, instant, int, sql, string, string_null, table,
    tenant_id, text_null,
};
use sea_orm::sea_query::{ColumnDef, Index};
use sea_orm::{DbBackend, Statement};

fn date(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).date().not_null().to_owned()
}

fn date_null(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).date().null().to_owned()
}

/// An actor reference (kind, id, readable label), as the audit log stores it.
fn actor(names: [&'static str; 3]) -> [ColumnDef; 3] {
    [
        string_null(names[0], 16),
        big_int_null(names[1]),
        string_null(names[2], 254),
    ]
}

pub fn statements(b: DbBackend) -> Vec<Statement> {
    let tenant_fk = |from: &'static str| fk(from, "tenant_id", "tenant");
    let idx = |name, table, cols: &[&'static str], unique| index(b, name, table, cols, unique);

    let mut loan = table("loan");
    loan.col(id())
        .col(tenant_id())
        .col(string("number", 32))
        .col(big_int("client_id"))
        .col(big_int("product_id"))
        .col(big_int("principal"))
        .col(text_null("terms"))
        .col(string("status", 16))
        .col(big_int("version"));
    for names in [
        ["submitted_by_kind", "submitted_by_id", "submitted_by_label"],
        ["approved_by_kind", "approved_by_id", "approved_by_label"],
        ["rejected_by_kind", "rejected_by_id", "rejected_by_label"],
        [
            "written_off_by_kind",
            "written_off_by_id",
            "written_off_by_label",
        ],
    ] {
        for c in actor(names) {
            loan.col(c);
        }
    }
    loan.col(text_null("rejection_reason"))
        .col(text_null("write_off_reason"))
        .col(instant(b, "created_at").not_null())
        .col(instant(b, "updated_at").not_null())
        .col(instant(b, "submitted_at").null())
        .col(instant(b, "approved_at").null())
        .col(instant(b, "rejected_at").null())
        .col(instant(b, "disbursed_at").null())
        .col(instant(b, "paid_at").null())
        .col(instant(b, "written_off_at").null())
        .col(date_null("disbursed_on"))
        .col(big_int_null("opening_commission"))
        .col(big_int_null("commission_iva"))
        .col(big_int_null("net_disbursed"))
        .col(string_null("cat", 16))
        .col(big_int("total_due"))
        .col(big_int("total_paid"))
        .col(big_int("outstanding"))
        .foreign_key(&mut tenant_fk("loan"))
        .foreign_key(&mut fk("loan", "client_id", "client"))
        .foreign_key(&mut fk("loan", "product_id", "loan_product"));

    let mut payment = table("payment");
    payment
        .col(id())
        .col(tenant_id())
        .col(big_int("loan_id"))
        .col(big_int("amount"))
        .col(date("paid_on"))
        .col(string("method", 16))
        .col(string_null("reference", 100))
        .col(string_null("idempotency_key", 100))
        .col(string("request_hash", 64));
    for c in actor([
        "registered_by_kind",
        "registered_by_id",
        "registered_by_label",
    ]) {
        payment.col(c);
    }
    payment
        .col(instant(b, "created_at").not_null())
        .col(boolean("reversed"))
        .foreign_key(&mut tenant_fk("payment"))
        .foreign_key(&mut fk("payment", "loan_id", "loan"));

    let mut reversal = table("payment_reversal");
    reversal
        .col(id())
        .col(tenant_id())
        .col(big_int("payment_id"))
        .col(big_int("loan_id"))
        .col(big_int("amount"))
        .col(date("reversed_on"))
        .col(ColumnDef::new("reason").text().not_null());
    for c in actor(["reversed_by_kind", "reversed_by_id", "reversed_by_label"]) {
        reversal.col(c);
    }
    reversal
        .col(instant(b, "created_at").not_null())
        .foreign_key(&mut tenant_fk("payment_reversal"))
        .foreign_key(&mut fk("payment_reversal", "payment_id", "payment"))
        .foreign_key(&mut fk("payment_reversal", "loan_id", "loan"));

    vec![
        sql(
            b,
            table("client")
                .col(id())
                .col(tenant_id())
                .col(string("full_name", 200))
                .col(string("phone", 20))
                .col(string_null("curp", 18))
                .col(string_null("rfc", 13))
                .col(date_null("birth_date"))
                .col(text_null("address"))
                .col(text_null("notes"))
                .col(string_null("pin_hash", 255))
                .col(instant(b, "created_at").not_null())
                .col(instant(b, "updated_at").not_null())
                .foreign_key(&mut tenant_fk("client")),
        ),
        // Duplicates by phone or CURP are warned about, not refused (SPEC §3): plain indexes.
        idx(
            "ix_client_tenant_phone",
            "client",
            &["tenant_id", "phone"],
            false,
        ),
        idx(
            "ix_client_tenant_curp",
            "client",
            &["tenant_id", "curp"],
            false,
        ),
        idx(
            "ix_client_tenant_name",
            "client",
            &["tenant_id", "full_name"],
            false,
        ),
        sql(
            b,
            table("loan_product")
                .col(id())
                .col(tenant_id())
                .col(string("name", 100))
                .col(string("periodicity", 16))
                .col(int("term_periods"))
                .col(string("interest_method", 16))
                .col(string("rate_per_period", 32))
                .col(string("opening_commission_rate", 32))
                .col(string("iva_rate", 32))
                .col(big_int("late_fee"))
                .col(int("min_days_to_first_due"))
                .col(string("allocation_order", 100))
                .col(string("rounding", 16))
                .col(boolean("active"))
                .col(instant(b, "created_at").not_null())
                .col(instant(b, "updated_at").not_null())
                .foreign_key(&mut tenant_fk("loan_product")),
        ),
        idx(
            "ux_loan_product_tenant_name",
            "loan_product",
            &["tenant_id", "name"],
            true,
        ),
        sql(b, &mut loan),
        idx(
            "ux_loan_tenant_number",
            "loan",
            &["tenant_id", "number"],
            true,
        ),
        idx(
            "ix_loan_tenant_status",
            "loan",
            &["tenant_id", "status", "id"],
            false,
        ),
        idx(
            "ix_loan_tenant_client",
            "loan",
            &["tenant_id", "client_id", "id"],
            false,
        ),
        sql(
            b,
            table("installment")
                .col(id())
                .col(tenant_id())
                .col(big_int("loan_id"))
                .col(int("number"))
                .col(date("due_date"))
                .col(big_int("principal"))
                .col(big_int("interest"))
                .col(big_int("interest_iva"))
                .col(big_int("late_fee"))
                .col(big_int("late_fee_iva"))
                .col(big_int("paid_principal"))
                .col(big_int("paid_interest"))
                .col(big_int("paid_interest_iva"))
                .col(big_int("paid_late_fee"))
                .col(big_int("paid_late_fee_iva"))
                .foreign_key(&mut tenant_fk("installment"))
                .foreign_key(&mut fk("installment", "loan_id", "loan")),
        ),
        idx(
            "ux_installment_tenant_loan_number",
            "installment",
            &["tenant_id", "loan_id", "number"],
            true,
        ),
        idx(
            "ix_installment_tenant_due",
            "installment",
            &["tenant_id", "due_date"],
            false,
        ),
        sql(b, &mut payment),
        // Several NULL keys are allowed on every backend: only keyed requests are deduplicated.
        idx(
            "ux_payment_tenant_idempotency",
            "payment",
            &["tenant_id", "idempotency_key"],
            true,
        ),
        idx(
            "ix_payment_tenant_loan",
            "payment",
            &["tenant_id", "loan_id", "id"],
            false,
        ),
        idx(
            "ix_payment_tenant_paid_on",
            "payment",
            &["tenant_id", "paid_on"],
            false,
        ),
        sql(
            b,
            table("payment_allocation")
                .col(id())
                .col(tenant_id())
                .col(big_int("payment_id"))
                .col(big_int("installment_id"))
                .col(int("installment_number"))
                .col(string("component", 16))
                .col(big_int("amount"))
                .foreign_key(&mut tenant_fk("payment_allocation"))
                .foreign_key(&mut fk("payment_allocation", "payment_id", "payment"))
                .foreign_key(&mut fk(
                    "payment_allocation",
                    "installment_id",
                    "installment",
                )),
        ),
        idx(
            "ix_payment_allocation_tenant_payment",
            "payment_allocation",
            &["tenant_id", "payment_id"],
            false,
        ),
        sql(b, &mut reversal),
        // A payment is reversed at most once, even by two concurrent requests.
        idx(
            "ux_payment_reversal_tenant_payment",
            "payment_reversal",
            &["tenant_id", "payment_id"],
            true,
        ),
        idx(
            "ix_payment_reversal_tenant_loan",
            "payment_reversal",
            &["tenant_id", "loan_id"],
            false,
        ),
        sql(
            b,
            table("holiday")
                .col(id())
                .col(tenant_id())
                .col(date("date"))
                .col(string("name", 100))
                .foreign_key(&mut tenant_fk("holiday")),
        ),
        idx(
            "ux_holiday_tenant_date",
            "holiday",
            &["tenant_id", "date"],
            true,
        ),
        sql(
            b,
            table("tenant_counter")
                .col(tenant_id())
                .col(string("name", 32))
                .col(big_int("value"))
                .primary_key(Index::create().col("tenant_id").col("name"))
                .foreign_key(&mut tenant_fk("tenant_counter")),
        ),
        sql(
            b,
            table("domain_event")
                .col(id())
                .col(tenant_id())
                .col(string("kind", 40))
                .col(string("entity", 40))
                .col(string_null("entity_id", 64))
                .col(ColumnDef::new("payload").text().not_null())
                .col(instant(b, "created_at").not_null())
                .col(instant(b, "delivered_at").null())
                .foreign_key(&mut tenant_fk("domain_event")),
        ),
        idx(
            "ix_domain_event_tenant_id",
            "domain_event",
            &["tenant_id", "id"],
            false,
        ),
        // The notifier scans undelivered events of every tenant, oldest first.
        idx(
            "ix_domain_event_undelivered",
            "domain_event",
            &["delivered_at", "id"],
            false,
        ),
    ]
}
