//! The Spanish text of a notification — pure. An event kind has a title; its data is listed with a
//! Spanish label per field (amounts as money). Kinds without a template of their own (a capability
//! added later) are still announced, with their stored name and data, so no event is dropped for want
//! of words.

use chrono::Duration;
use credinet_core::money::Money;
use serde_json::Value;

/// A notification before it is formatted for a channel: plain text, nothing escaped yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub title: String,
    pub lines: Vec<String>,
}

/// The title of an event kind.
pub fn title(kind: &str) -> String {
    let known = match kind {
        "loan_created" => "Préstamo creado",
        "loan_submitted" => "Préstamo enviado a aprobación",
        "loan_approved" => "Préstamo aprobado",
        "loan_rejected" => "Préstamo rechazado",
        "loan_disbursed" => "Préstamo desembolsado",
        "loan_paid" => "Préstamo liquidado",
        "loan_written_off" => "Préstamo castigado",
        "payment_registered" => "Pago registrado",
        "payment_reversed" => "Pago revertido",
        "scheduler_executed" => "Tarea programada ejecutada",
        "scheduler_failed" => "Tarea programada fallida",
        "backup_completed" => "Respaldo completado",
        "backup_failed" => "Respaldo fallido",
        "offsite_sync_failed" => "Copia externa fallida",
        "release_rolled_back" => "Actualización revertida",
        "service_down" => "Servicio caído",
        "service_recovered" => "Servicio recuperado",
        "error_500" => "Error del servidor (500)",
        "verification_locked" => "Verificación bloqueada",
        "user_login" => "Inicio de sesión",
        "user_logout" => "Cierre de sesión",
        "notify_test" => "Mensaje de prueba",
        _ => return format!("Evento {kind}"),
    };
    known.to_string()
}

/// The Spanish label of a payload field; unknown fields keep their name.
fn label(field: &str) -> &str {
    match field {
        "loan_id" => "Préstamo (id)",
        "number" | "loan_number" => "Préstamo",
        "client_id" => "Cliente (id)",
        "client_name" => "Cliente",
        "principal" => "Monto",
        "outstanding" | "loan_outstanding" => "Saldo",
        "amount" => "Importe",
        "from" => "Estado anterior",
        "to" => "Estado nuevo",
        "by" => "Por",
        "payment_id" => "Pago (id)",
        "paid_on" => "Fecha de pago",
        "method" => "Forma de pago",
        "reason" => "Motivo",
        "note" => "Nota",
        "route" => "Ruta",
        "method_http" => "Método",
        "status" => "Estado",
        "request_id" => "Solicitud",
        "url" => "URL",
        "error" => "Error",
        "job" => "Tarea",
        "duration_ms" => "Duración (ms)",
        "channel" => "Canal",
        "release" => "Versión",
        "previous" => "Versión anterior",
        other => other,
    }
}

const MONEY_FIELDS: [&str; 4] = ["principal", "outstanding", "loan_outstanding", "amount"];

fn value_text(field: &str, value: &Value) -> String {
    match value {
        Value::String(s) if MONEY_FIELDS.contains(&field) => match Money::parse_plain(s) {
            Ok(m) => m.to_string(),
            Err(_) => s.clone(),
        },
        Value::String(s) => s.clone(),
        Value::Null => "—".to_string(),
        other => other.to_string(),
    }
}

/// The event's data, one "Label: value" line per field (in field-name order, as JSON objects are read).
pub fn details(payload: &Value) -> Vec<String> {
    match payload {
        Value::Object(fields) => fields
            .iter()
            .map(|(k, v)| format!("{}: {}", label(k), value_text(k, v)))
            .collect(),
        Value::Null => Vec::new(),
        other => vec![other.to_string()],
    }
}

/// A short line naming one occurrence among many (for summaries).
fn summary_line(payload: &Value) -> String {
    let fields: Vec<String> = match payload {
        Value::Object(fields) => fields
            .iter()
            .take(4)
            .map(|(k, v)| format!("{} {}", label(k), value_text(k, v)))
            .collect(),
        _ => Vec::new(),
    };
    format!("• {}", fields.join(", "))
}

/// At most this many occurrences are listed in a summary; the rest are counted.
const LISTED: usize = 10;

/// The notice of a group flush: one occurrence shows all its data; several are summarized with their
/// count over the time they span ("error_500 ×37 en 5 min").
pub fn notice(kind: &str, payloads: &[Value], span: Duration) -> Notice {
    match payloads {
        [one] => Notice {
            title: title(kind),
            lines: details(one),
        },
        many => {
            let mut lines: Vec<String> = many.iter().take(LISTED).map(summary_line).collect();
            if many.len() > LISTED {
                lines.push(format!("… y {} más", many.len() - LISTED));
            }
            Notice {
                title: format!(
                    "{} — {kind} ×{} en {}",
                    title(kind),
                    many.len(),
                    span_text(span)
                ),
                lines,
            }
        }
    }
}

fn span_text(span: Duration) -> String {
    let secs = span.num_seconds().max(0).unsigned_abs();
    if secs < 60 {
        format!("{secs} s")
    } else if secs < 3600 {
        format!("{} min", secs.div_ceil(60))
    } else {
        format!("{} h", secs.div_ceil(3600))
    }
}

/// The notice `credinet notify test` and the page's test button send.
pub fn test_notice(channel_name: &str) -> Notice {
    Notice {
        title: title("notify_test"),
        lines: vec![format!(
            "Si lees esto, el canal «{channel_name}» de Credinet funciona."
        )],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn one_event_shows_its_data_in_spanish_with_amounts_as_money() {
        let n = notice(
            "payment_registered",
            &[json!({"loan_number": "P-0001", "amount": "1234.56", "by": "Ana"})],
            Duration::zero(),
        );
        assert_eq!(n.title, "Pago registrado");
        assert!(n.lines.contains(&"Préstamo: P-0001".to_string()));
        assert!(n.lines.contains(&"Importe: $1,234.56".to_string()));
        assert!(n.lines.contains(&"Por: Ana".to_string()));
    }

    #[test]
    fn a_burst_is_summarized_with_its_count_and_span() {
        let payloads: Vec<Value> = (0..37).map(|i| json!({"request_id": i})).collect();
        let n = notice("error_500", &payloads, Duration::seconds(290));
        assert_eq!(n.title, "Error del servidor (500) — error_500 ×37 en 5 min");
        assert_eq!(n.lines.len(), LISTED + 1);
        assert_eq!(n.lines.last().unwrap(), "… y 27 más");
    }

    #[test]
    fn an_unknown_kind_is_still_announced_with_its_data() {
        let n = notice("cosecha_lista", &[json!({"lote": 7})], Duration::zero());
        assert_eq!(n.title, "Evento cosecha_lista");
        assert_eq!(n.lines, ["lote: 7"]);
    }
}
