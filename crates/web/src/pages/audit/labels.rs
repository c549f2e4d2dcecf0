//! The audit log's stored keys as people read them: each action and kind of object in Spanish, and the
//! fields of a before/after. The log keeps the English keys (they are what `audit verify` hashes and what
//! `/v1` and the raw export return); only the page and its spreadsheet export say them in Spanish.

/// Every action written to the log, with its Spanish name, in the order the filter offers them.
pub const ACTIONS: &[(&str, &str)] = &[
    ("user_login", "Inicio de sesión"),
    ("user_logout", "Cierre de sesión"),
    ("user_login_failed", "Inicio de sesión fallido"),
    ("user_created", "Usuario creado"),
    ("user_updated", "Usuario modificado"),
    ("user_unlocked", "Usuario desbloqueado"),
    ("user_password_set", "Contraseña restablecida"),
    ("user_password_changed", "Contraseña cambiada por su dueño"),
    (
        "user_password_change_refused",
        "Cambio de contraseña rechazado",
    ),
    ("api_key_created", "Clave API creada"),
    ("api_key_revoked", "Clave API revocada"),
    ("tenant_created", "Empresa creada"),
    ("client_created", "Cliente registrado"),
    (
        "client_created_as_duplicate",
        "Cliente registrado pese a duplicado",
    ),
    ("client_updated", "Cliente modificado"),
    ("client_pin_set", "PIN del asistente asignado"),
    ("client_pin_cleared", "PIN del asistente quitado"),
    ("product_created", "Producto creado"),
    ("product_updated", "Producto modificado"),
    ("loan_created", "Solicitud creada"),
    ("loan_submitted", "Solicitud enviada"),
    ("loan_approved", "Préstamo aprobado"),
    ("loan_rejected", "Solicitud rechazada"),
    ("loan_disbursed", "Préstamo dispersado"),
    ("loan_paid", "Préstamo liquidado"),
    ("loan_written_off", "Préstamo castigado"),
    ("payment_registered", "Pago registrado"),
    ("payment_reversed", "Pago reversado"),
    ("period_cut_started", "Corte iniciado"),
    ("period_cut_page", "Corte: lote procesado"),
    ("period_cut_done", "Corte terminado"),
    ("holiday_added", "Día inhábil agregado"),
    ("holiday_removed", "Día inhábil quitado"),
    ("notify_channel_created", "Canal de avisos creado"),
    ("notify_channel_updated", "Canal de avisos modificado"),
    ("notify_channel_enabled", "Canal de avisos activado"),
    ("notify_channel_disabled", "Canal de avisos desactivado"),
    ("notify_rule_created", "Regla de avisos creada"),
    ("notify_rule_updated", "Regla de avisos modificada"),
    ("notify_rule_removed", "Regla de avisos quitada"),
    (
        "assistant_channels_configured",
        "Canales del asistente configurados",
    ),
    (
        "assistant_handoff_released",
        "Conversación devuelta al asistente",
    ),
    ("secrets_changed", "Secretos cambiados"),
    ("job_run", "Tarea ejecutada a mano"),
    ("backup_run_requested", "Respaldo solicitado"),
    (
        "backup_verify_requested",
        "Verificación de respaldo solicitada",
    ),
    ("backup_downloaded", "Respaldo descargado"),
];

/// An action's Spanish name; one the list does not know yet is shown as «Otra acción» with its key, so
/// a new action is readable before it gets its name.
pub fn action(key: &str) -> String {
    match ACTIONS.iter().find(|(k, _)| *k == key) {
        Some((_, label)) => (*label).to_string(),
        None => format!("Otra acción ({key})"),
    }
}

/// The kinds of object, with their Spanish name.
pub const ENTITIES: &[(&str, &str)] = &[
    ("client", "Cliente"),
    ("loan", "Préstamo"),
    ("payment", "Pago"),
    ("loan_product", "Producto"),
    ("staff_user", "Usuario"),
    ("api_key", "Clave API"),
    ("tenant", "Empresa"),
    ("period_cut", "Corte"),
    ("holiday", "Día inhábil"),
    ("notify_channel", "Canal de avisos"),
    ("notify_rule", "Regla de avisos"),
    ("assistant_channel", "Canal del asistente"),
    ("assistant_session", "Conversación"),
    ("job", "Tarea"),
    ("backup", "Respaldo"),
];

pub fn entity(key: &str) -> String {
    match ENTITIES.iter().find(|(k, _)| *k == key) {
        Some((_, label)) => (*label).to_string(),
        None => format!("Otro objeto ({key})"),
    }
}

/// Where an object of the log is seen, when it has a page of its own.
pub fn entity_href(kind: &str, id: &str) -> Option<String> {
    // Only ids that are numbers become links: a path segment is never built from free text.
    let id: i64 = id.parse().ok()?;
    Some(match kind {
        "client" => format!("/clientes/{id}"),
        "loan" => format!("/prestamos/{id}"),
        "loan_product" => format!("/productos/{id}"),
        "staff_user" => "/usuarios".into(),
        "api_key" => "/claves".into(),
        "notify_channel" | "notify_rule" => "/notificaciones".into(),
        "payment" => format!("/auditoria?objeto=payment&id={id}"),
        _ => return None,
    })
}

/// A field of a before/after as people call it; one not listed keeps its key, with spaces.
pub fn field(key: &str) -> String {
    let label = match key {
        "full_name" | "name" => "Nombre",
        "email" => "Correo",
        "role" => "Rol",
        "active" | "enabled" => "Activo",
        "phone" => "Teléfono",
        "curp" => "CURP",
        "rfc" => "RFC",
        "birth_date" => "Fecha de nacimiento",
        "address" => "Domicilio",
        "notes" => "Notas",
        "status" | "loan_status" => "Estado",
        "from" => "Estado anterior",
        "to" => "Estado nuevo",
        "number" | "loan_number" => "Número de préstamo",
        "principal" => "Monto",
        "client_id" => "Cliente",
        "product_id" => "Producto",
        "loan_id" => "Préstamo",
        "payment_id" | "payment" => "Pago",
        "id" => "Número",
        "amount" => "Importe",
        "method" => "Forma o método",
        "reference" => "Referencia",
        "idempotency_key" => "Folio de operación",
        "registered_by" | "by" | "created_by" => "Registró",
        "created_at" => "Registrado",
        "reversed" => "Reversado",
        "reversed_on" => "Fecha de reversa",
        "reason" | "rejection_reason" | "write_off_reason" => "Motivo",
        "paid_on" => "Fecha de pago",
        "disbursed_on" => "Fecha de dispersión",
        "net_disbursed" => "Neto dispersado",
        "cat" => "CAT",
        "total_due" => "Total a pagar",
        "total_paid" | "loan_total_paid" => "Total pagado",
        "outstanding" | "loan_outstanding" => "Saldo",
        "allocations" => "Aplicación",
        "installment" | "installment_number" => "Cuota",
        "installment_id" => "Id de cuota",
        "component" => "Concepto",
        "terms" => "Condiciones",
        "limits" => "Límites",
        "term_periods" => "Plazo (periodos)",
        "rate_per_period" => "Tasa por periodo",
        "periodicity" => "Periodicidad",
        "opening_commission" => "Comisión de apertura",
        "iva_rate" => "Tasa de IVA",
        "late_fee" => "Cargo por atraso",
        "min_days_to_first_due" => "Días mínimos al primer vencimiento",
        "allocation_order" => "Orden de aplicación",
        "rounding" => "Redondeo",
        "min_principal" => "Monto mínimo",
        "max_principal" => "Monto máximo",
        "min_term" | "min_term_periods" => "Plazo mínimo",
        "max_term" | "max_term_periods" => "Plazo máximo",
        "event_kind" | "event" => "Evento",
        "channel" | "channel_id" => "Canal",
        "kind" => "Tipo",
        "label" => "Quién",
        "summary" => "Resumen",
        "failed_attempts" => "Intentos fallidos",
        "locks_account" => "Bloquea la cuenta",
        "prefix" => "Prefijo",
        "revoked" => "Revocada",
        "slug" => "Clave de empresa",
        "legal_name" => "Razón social",
        "time_zone" => "Zona horaria",
        "date" | "cut_date" => "Fecha",
        "period_start" => "Inicio del periodo",
        "loans" => "Préstamos",
        "first_loan_id" => "Primer préstamo",
        "last_loan_id" => "Último préstamo",
        "late_fees" => "Cargos por atraso",
        "paid_off" => "Liquidados",
        "reopened" => "Reabiertos",
        "handoff_until" => "Atendida por una persona hasta",
        "billed" => "Exigible",
        "charged" => "Cargos",
        "collected" => "Cobrado",
        "overdue" => "Vencido",
        "overdue_loans" => "Préstamos vencidos",
        "outstanding_principal" => "Capital vigente",
        "par15_principal" => "Capital en riesgo a 15 días",
        "par30_principal" => "Capital en riesgo a 30 días",
        "settings" => "Configuración",
        "currency" => "Moneda",
        "cut_days" => "Días de corte",
        "task" => "Tarea",
        "sha256" => "Huella SHA-256",
        "autoresponder_header" => "Encabezado de AutoResponder",
        "autoresponder_hmac_secret" => "Secreto HMAC de AutoResponder",
        "autoresponder_token" => "Token de AutoResponder",
        "cloud_access_token" => "Token de acceso de la Cloud API",
        "cloud_app_secret" => "Secreto de la app de la Cloud API",
        "cloud_phone_number_id" => "Número de teléfono de la Cloud API",
        "cloud_verify_token" => "Token de verificación de la Cloud API",
        "group_replies" => "Respuestas en grupos",
        _ => return key.replace('_', " "),
    };
    label.to_string()
}

/// A stored code as people read it, where it has a Spanish name: a role, a loan's status, a payment
/// method, an interest method, an allocation component, why a sign-in failed.
pub fn code(key: &str, value: &str) -> Option<&'static str> {
    match key {
        "role" => {
            return value
                .parse::<credinet_core::role::Role>()
                .ok()
                .map(|r| r.label_es());
        }
        "status" | "loan_status" | "from" | "to" => {
            return credinet_lending::loans::LoanStatus::parse(value).map(|s| s.label_es());
        }
        "kind" => match value {
            "user" => return Some("Usuario"),
            "api_key" => return Some("Clave API"),
            "system" => return Some("Sistema"),
            "cli" => return Some("Línea de comandos"),
            _ => {}
        },
        _ => {}
    }
    Some(match value {
        "cash" => "Efectivo",
        "transfer" => "Transferencia",
        "card" => "Tarjeta",
        "other" => "Otro",
        "flat" => "Tasa fija sobre el monto",
        "declining" => "Saldos insolutos",
        "biweekly_cut" => "Quincenal (días de corte)",
        "weekly" => "Semanal",
        "monthly" => "Mensual",
        "late_fee" => "Cargo por atraso",
        "late_fee_iva" => "IVA del cargo por atraso",
        "interest_iva" => "IVA de intereses",
        "interest" => "Intereses",
        "principal" => "Capital",
        "half_up" => "Al centavo, mitades hacia arriba",
        "wrong_password" => "Contraseña equivocada",
        "unknown_user" => "Correo desconocido",
        "inactive_user" => "Usuario inactivo",
        "telegram" => "Telegram",
        "discord" => "Discord",
        "webhook" => "Webhook",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_action_and_object_has_one_spanish_name() {
        let mut keys: Vec<_> = ACTIONS.iter().map(|(k, _)| *k).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), ACTIONS.len(), "an action listed twice");
        assert_eq!(action("loan_approved"), "Préstamo aprobado");
        assert_eq!(action("nueva_cosa"), "Otra acción (nueva_cosa)");
        assert_eq!(entity("loan"), "Préstamo");
    }

    #[test]
    fn only_numeric_ids_become_links() {
        assert_eq!(entity_href("loan", "12").as_deref(), Some("/prestamos/12"));
        assert_eq!(entity_href("loan", "../x"), None);
        assert_eq!(entity_href("period_cut", "3"), None);
    }
}
