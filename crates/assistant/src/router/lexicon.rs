//! The Spanish the router recognises: per intent, cues (a word or a phrase, written folded as
//! [`super::normalize::words`] leaves text) with a weight. A phrase says more than a lone word, and a
//! greeting says least, so «hola, ¿cuánto debo?» is a balance question that starts politely.
//!
//! Grown from how borrowers of Mexican lenders write on WhatsApp; the cases in
//! `tests/data/router.tsv` are the check that a change here helps more than it hurts.

use super::Intent;

/// How much a cue says about its intent.
pub const GREETING: u8 = 1;
pub const WORD: u8 = 2;
pub const PHRASE: u8 = 3;

pub struct Cue {
    pub intent: Intent,
    /// Folded words, matched in order (a word or two may come between them: «cuanto *le* debo»).
    pub phrase: &'static str,
    pub weight: u8,
}

const fn cue(intent: Intent, phrase: &'static str, weight: u8) -> Cue {
    Cue {
        intent,
        phrase,
        weight,
    }
}

use Intent::*;

pub const CUES: &[Cue] = &[
    // Greeting and the menu.
    cue(Greeting, "hola", GREETING),
    cue(Greeting, "buenas", GREETING),
    cue(Greeting, "buenos dias", GREETING),
    cue(Greeting, "buen dia", GREETING),
    cue(Greeting, "que tal", GREETING),
    cue(Greeting, "saludos", GREETING),
    cue(Greeting, "hey", GREETING),
    cue(Greeting, "menu", WORD),
    cue(Greeting, "opciones", WORD),
    cue(Greeting, "inicio", WORD),
    cue(Greeting, "ayuda", GREETING),
    cue(Greeting, "informacion", GREETING),
    // What is owed in all.
    cue(Balance, "saldo", WORD),
    cue(Balance, "adeudo", WORD),
    cue(Balance, "deuda", WORD),
    cue(Balance, "debo", WORD),
    cue(Balance, "liquidar", WORD),
    cue(Balance, "finiquitar", WORD),
    cue(Balance, "cuanto debo", PHRASE),
    cue(Balance, "lo que debo", PHRASE),
    cue(Balance, "cuanto me falta", PHRASE),
    cue(Balance, "cuanto falta", PHRASE),
    cue(Balance, "total a pagar", PHRASE),
    cue(Balance, "pagar todo", PHRASE),
    cue(Balance, "cuanto llevo pagado", PHRASE),
    // The next installment.
    cue(NextPayment, "proximo pago", PHRASE),
    cue(NextPayment, "siguiente pago", PHRASE),
    cue(NextPayment, "cuando pago", PHRASE),
    cue(NextPayment, "cuando toca pagar", PHRASE),
    cue(NextPayment, "cuando tengo que pagar", PHRASE),
    cue(NextPayment, "cuando es mi pago", PHRASE),
    cue(NextPayment, "fecha de pago", PHRASE),
    cue(NextPayment, "fecha limite", PHRASE),
    cue(NextPayment, "cuanto pago", PHRASE),
    cue(NextPayment, "pago de esta semana", PHRASE),
    cue(NextPayment, "pago de la semana", PHRASE),
    cue(NextPayment, "cuanto es mi pago", PHRASE),
    cue(NextPayment, "cuota", WORD),
    cue(NextPayment, "mensualidad", WORD),
    cue(NextPayment, "abono", WORD),
    cue(NextPayment, "vence", WORD),
    cue(NextPayment, "vencimiento", WORD),
    // Payments made.
    cue(PaymentHistory, "historial", WORD),
    cue(PaymentHistory, "mis pagos", PHRASE),
    cue(PaymentHistory, "pagos que he hecho", PHRASE),
    cue(PaymentHistory, "ultimos pagos", PHRASE),
    cue(PaymentHistory, "pagos anteriores", PHRASE),
    cue(PaymentHistory, "ya pague", PHRASE),
    cue(PaymentHistory, "ya deposite", PHRASE),
    cue(PaymentHistory, "se registro mi pago", PHRASE),
    cue(PaymentHistory, "les llego mi pago", PHRASE),
    cue(PaymentHistory, "movimientos", WORD),
    cue(PaymentHistory, "abonos", WORD),
    // The statement of the last cut.
    cue(Statement, "estado de cuenta", PHRASE),
    cue(Statement, "corte", WORD),
    cue(Statement, "resumen", WORD),
    cue(Statement, "extracto", WORD),
    // How and where to pay.
    cue(HowToPay, "como pago", PHRASE),
    cue(HowToPay, "como puedo pagar", PHRASE),
    cue(HowToPay, "donde pago", PHRASE),
    cue(HowToPay, "donde puedo pagar", PHRASE),
    cue(HowToPay, "donde deposito", PHRASE),
    cue(HowToPay, "quiero pagar", PHRASE),
    cue(HowToPay, "formas de pago", PHRASE),
    cue(HowToPay, "numero de cuenta", PHRASE),
    cue(HowToPay, "datos bancarios", PHRASE),
    cue(HowToPay, "a que cuenta", PHRASE),
    cue(HowToPay, "pagar", WORD),
    cue(HowToPay, "depositar", WORD),
    cue(HowToPay, "transferencia", WORD),
    cue(HowToPay, "transferir", WORD),
    cue(HowToPay, "clabe", WORD),
    cue(HowToPay, "referencia", WORD),
    cue(HowToPay, "oxxo", WORD),
    cue(HowToPay, "banco", WORD),
    // A person, please.
    cue(Agent, "asesor", WORD),
    cue(Agent, "asesora", WORD),
    cue(Agent, "agente", WORD),
    cue(Agent, "ejecutivo", WORD),
    cue(Agent, "ejecutiva", WORD),
    cue(Agent, "humano", WORD),
    cue(Agent, "persona", WORD),
    cue(Agent, "operador", WORD),
    cue(Agent, "gerente", WORD),
    cue(Agent, "queja", WORD),
    cue(Agent, "aclaracion", WORD),
    cue(Agent, "hablar con alguien", PHRASE),
    cue(Agent, "quiero hablar", PHRASE),
    cue(Agent, "llamenme", WORD),
    cue(Agent, "marquenme", WORD),
    cue(Agent, "no puedo pagar", PHRASE),
    cue(Agent, "no voy a poder pagar", PHRASE),
    cue(Agent, "reestructura", WORD),
    cue(Agent, "prorroga", WORD),
    // No more messages.
    cue(OptOut, "baja", WORD),
    cue(OptOut, "stop", WORD),
    cue(OptOut, "alto", WORD),
    cue(OptOut, "unsubscribe", WORD),
    cue(OptOut, "ya no me escriban", PHRASE),
    cue(OptOut, "no me escriban", PHRASE),
    cue(OptOut, "no me manden", PHRASE),
    cue(OptOut, "no me envien", PHRASE),
    cue(OptOut, "no quiero recibir", PHRASE),
    cue(OptOut, "dejar de recibir", PHRASE),
    cue(OptOut, "no molesten", PHRASE),
    cue(OptOut, "cancelar mensajes", PHRASE),
    // Thanks and goodbyes.
    cue(Thanks, "gracias", WORD),
    cue(Thanks, "muchas gracias", PHRASE),
    cue(Thanks, "ok", GREETING),
    cue(Thanks, "sale", GREETING),
    cue(Thanks, "perfecto", GREETING),
    cue(Thanks, "listo", GREETING),
    cue(Thanks, "adios", WORD),
    cue(Thanks, "hasta luego", PHRASE),
];

/// Words that turn the cue after them around: «no quiero pagar» is not a request for bank details.
pub const NEGATIONS: &[&str] = &["no", "nunca", "tampoco", "ni", "sin"];

/// Words that may stand beside a menu number without changing it: «opción 2», «la 3 porfavor».
pub const MENU_FILLER: &[&str] = &[
    "opcion", "numero", "la", "el", "quiero", "porfavor", "favor", "por", "seria",
];
