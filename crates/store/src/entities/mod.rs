//! SeaORM entities: one file per table. Rows only; domain types live in `credinet-core` and the
//! conversions in `repo`.

pub mod api_key;
pub mod assistant_channel;
pub mod assistant_message;
pub mod assistant_reply_queue;
pub mod assistant_session;
pub mod assistant_stage;
pub mod audit_chain;
pub mod audit_entry;
pub mod audit_pending;
pub mod audit_seal;
pub mod backup_task;
pub mod client;
pub mod domain_event;
pub mod holiday;
pub mod installment;
pub mod job_lease;
pub mod job_run;
pub mod loan;
pub mod loan_product;
pub mod loan_statement;
pub mod login_attempt;
pub mod notify_channel;
pub mod notify_group;
pub mod notify_message;
pub mod notify_occurrence;
pub mod notify_rule;
pub mod payment;
pub mod payment_allocation;
pub mod payment_reversal;
pub mod period_cut;
pub mod staff_user;
pub mod system_event;
pub mod tenant;
pub mod tenant_counter;
pub mod web_session;
