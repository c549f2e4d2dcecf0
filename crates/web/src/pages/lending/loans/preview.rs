//! A loan before anyone commits to it, as the application form («Calcular») and the approval page show
//! it: installment, schedule, commission + IVA, net amount to hand over and CAT (ADR 33).

use super::super::pesos;
use credinet_core::money::Money;
use credinet_lending::loans::Preview;

pub struct PreviewRow {
    pub number: u32,
    pub due_date: String,
    pub principal: String,
    pub interest: String,
    pub iva: String,
    pub total: String,
}

pub struct PreviewView {
    /// The day the preview disburses on (today), dd/mm/aaaa.
    pub on: String,
    pub principal: String,
    pub term_periods: u32,
    /// The first installment's total; `installments_vary` when the others differ from it.
    pub installment: String,
    pub installments_vary: bool,
    pub commission: String,
    pub commission_iva: String,
    pub commission_total: String,
    pub net_disbursed: String,
    pub total_interest: String,
    pub total_to_pay: String,
    pub cat: String,
    pub rows: Vec<PreviewRow>,
}

pub fn view(preview: &Preview) -> PreviewView {
    let s = &preview.schedule;
    let first = s.installments.first().map_or(Money::ZERO, |i| i.total);
    PreviewView {
        on: preview.on.format("%d/%m/%Y").to_string(),
        principal: pesos(s.principal),
        term_periods: preview.term_periods,
        installment: pesos(first),
        installments_vary: s.installments.iter().any(|i| i.total != first),
        commission: pesos(s.opening_commission),
        commission_iva: pesos(s.commission_iva),
        commission_total: pesos(
            s.opening_commission
                .checked_add(s.commission_iva)
                .unwrap_or(Money::ZERO),
        ),
        net_disbursed: pesos(s.net_disbursed),
        total_interest: pesos(s.total_interest),
        total_to_pay: pesos(s.total_to_pay),
        cat: format!("{} %", s.cat),
        rows: s
            .installments
            .iter()
            .map(|i| PreviewRow {
                number: i.number,
                due_date: i.due_date.format("%d/%m/%Y").to_string(),
                principal: pesos(i.principal),
                interest: pesos(i.interest),
                iva: pesos(i.iva),
                total: pesos(i.total),
            })
            .collect(),
    }
}
