//! Staff roles and what each may do.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Configures the tenant: users, keys, products, settings.
    Admin,
    /// Approves loans and reverses payments.
    Manager,
    /// Registers payments.
    Cashier,
    /// Answers chats handed off by the assistant.
    Agent,
    /// Reads only.
    Viewer,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Manager,
        Role::Cashier,
        Role::Agent,
        Role::Viewer,
    ];

    /// The role a new user or API key is offered unless someone chooses another: the least privilege,
    /// so that a hurried «Crear» never hands out administration.
    pub const LEAST_PRIVILEGED: Role = Role::Viewer;

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Cashier => "cashier",
            Role::Agent => "agent",
            Role::Viewer => "viewer",
        }
    }

    /// The Spanish label shown in the back office.
    pub fn label_es(self) -> &'static str {
        match self {
            Role::Admin => "Administrador",
            Role::Manager => "Gerente",
            Role::Cashier => "Cajero",
            Role::Agent => "Agente",
            Role::Viewer => "Consulta",
        }
    }

    /// Manage users, API keys and tenant configuration.
    pub fn can_administer(self) -> bool {
        matches!(self, Role::Admin)
    }

    /// Read the audit log.
    pub fn can_read_audit(self) -> bool {
        matches!(self, Role::Admin | Role::Manager)
    }

    /// Create and edit clients, and apply for loans on their behalf.
    pub fn can_manage_clients(self) -> bool {
        matches!(self, Role::Admin | Role::Manager | Role::Cashier)
    }

    /// Define loan products.
    pub fn can_manage_products(self) -> bool {
        matches!(self, Role::Admin)
    }

    /// Approve, reject, disburse and write off loans (the checker of maker–checker).
    pub fn can_approve_loans(self) -> bool {
        matches!(self, Role::Admin | Role::Manager)
    }

    /// Register payments at the counter.
    pub fn can_register_payments(self) -> bool {
        matches!(self, Role::Admin | Role::Manager | Role::Cashier)
    }

    /// Reverse a registered payment.
    pub fn can_reverse_payments(self) -> bool {
        matches!(self, Role::Admin | Role::Manager)
    }

    /// Read the portfolio and collections reports and the cuts: the figures of the whole lender,
    /// including each cashier's collections, so not the counter staff (ADR 10).
    pub fn can_read_reports(self) -> bool {
        matches!(self, Role::Admin | Role::Manager | Role::Viewer)
    }

    /// Any change at all; a viewer never writes.
    pub fn can_write(self) -> bool {
        !matches!(self, Role::Viewer)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role '{0}' (expected one of: admin, manager, cashier, agent, viewer)")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownRole(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_name() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>().unwrap(), role);
        }
    }

    #[test]
    fn an_unknown_role_is_refused_with_the_choices() {
        let err = "boss".parse::<Role>().unwrap_err();
        assert!(err.to_string().contains("admin, manager"));
    }

    #[test]
    fn only_admins_administer_and_viewers_never_write() {
        assert!(Role::Admin.can_administer());
        assert!(!Role::Manager.can_administer());
        assert!(!Role::Viewer.can_write());
        assert!(Role::Cashier.can_write());
    }

    #[test]
    fn a_cashier_registers_payments_but_neither_approves_loans_nor_reverses_payments() {
        assert!(Role::Cashier.can_register_payments());
        assert!(!Role::Cashier.can_approve_loans());
        assert!(!Role::Cashier.can_reverse_payments());
        assert!(Role::Manager.can_approve_loans() && Role::Manager.can_reverse_payments());
        for role in [Role::Viewer, Role::Agent] {
            assert!(
                !role.can_manage_clients()
                    && !role.can_register_payments()
                    && !role.can_approve_loans()
            );
        }
    }
}
