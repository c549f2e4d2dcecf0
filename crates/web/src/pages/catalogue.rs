//! The Spanish catalogue of what a page tells a person whose request was refused, keyed by the structured
//! errors of `core`, `lending` and `accounts` (ADR 11). Those errors' `Display` is English and stays for
//! logs and `/v1`; a page never shows it. Each function is an exhaustive `match`, so a new rule added to
//! a domain enum does not compile here until it has its Spanish sentence.
//!
//! Messages name the field and what to do, never repeat what was typed (it may be personal data, and it is
//! still in the form).

use crate::pages::lending::pesos;
use chrono::NaiveDate;
use credinet_accounts::AccountRefusal;
use credinet_accounts::password::{MAX_LEN, MIN_LEN, PasswordError};
use credinet_core::curp::CurpError;
use credinet_core::lending::allocation::{AllocationError, Component};
use credinet_core::lending::cat::CatError;
use credinet_core::lending::due_dates::DueDateError;
use credinet_core::lending::limits::LimitsError;
use credinet_core::lending::schedule::ScheduleError;
use credinet_core::lending::terms::{MAX_MIN_DAYS, MAX_TERM_PERIODS, TermsError};
use credinet_core::money::MoneyError;
use credinet_core::phone::PhoneError;
use credinet_core::pin::{MAX_DIGITS as PIN_MAX, MIN_DIGITS as PIN_MIN, PinError};
use credinet_core::rate::RateError;
use credinet_core::rfc::{RfcError, RfcWarning};
use credinet_core::text::{Field, TextError};
use credinet_lending::clients::ClientWarning;
use credinet_lending::{DateOf, DuplicateOf, Refusal};
use credinet_notify::draft::{DraftField, DraftProblem, DraftRefusal};
use credinet_notify::send::SendError;

/// A date as pages show it.
fn date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// How a sentence names a field, with its article («el nombre completo»).
pub fn field(f: Field) -> &'static str {
    match f {
        Field::FullName => "el nombre completo",
        Field::Curp => "la CURP",
        Field::Rfc => "el RFC",
        Field::Address => "el domicilio",
        Field::Notes => "las notas",
        Field::Search => "la búsqueda",
        Field::Reference => "la referencia",
        Field::Reason => "el motivo",
        Field::ProductName => "el nombre del producto",
        Field::HolidayName => "el nombre del día festivo",
        Field::Email => "el correo",
        Field::KeyName => "el nombre de la clave",
        Field::LegalName => "la razón social",
    }
}

/// The sentence starting with a capital letter.
fn capitalized(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

pub fn text(e: &TextError) -> String {
    match e {
        TextError::Required(f) => format!("Escriba {}.", field(*f)),
        TextError::TooLong { field: f, max } => {
            format!(
                "{} es demasiado largo: como máximo {max} caracteres.",
                capitalized(field(*f))
            )
        }
        TextError::ControlCharacter { field: f, at } => format!(
            "{} tiene un carácter invisible (el número {at}), quizá pegado de otro programa; bórrelo.",
            capitalized(field(*f))
        ),
        TextError::DirectionControl { field: f, at } => format!(
            "{} tiene un carácter que cambia la dirección de lectura (el número {at}) y lo haría verse distinto de lo que es; bórrelo.",
            capitalized(field(*f))
        ),
        TextError::NothingVisible(f) => format!(
            "{} sólo tiene caracteres invisibles; escriba letras o números.",
            capitalized(field(*f))
        ),
    }
}

pub fn phone(e: &PhoneError) -> String {
    match e {
        PhoneError::Empty => "Escriba el teléfono.".into(),
        PhoneError::InvalidCharacters => {
            "El teléfono sólo lleva dígitos, espacios, guiones, puntos, paréntesis y un + al inicio."
                .into()
        }
        PhoneError::NotMexican => {
            "El teléfono no es un número de México: escriba los 10 dígitos (por ejemplo 55 1234 5678), con +52 al inicio si quiere."
                .into()
        }
        PhoneError::NotInternational => {
            "El teléfono internacional lleva + y luego la clave del país y el número: de 7 a 15 dígitos."
                .into()
        }
    }
}

pub fn pin(e: &PinError) -> String {
    match e {
        PinError::Empty => "Escriba el PIN: de 4 a 6 dígitos.".into(),
        PinError::NotDigits => "El PIN sólo lleva dígitos del 0 al 9.".into(),
        PinError::Length(n) => {
            format!("El PIN lleva de {PIN_MIN} a {PIN_MAX} dígitos; el que escribió tiene {n}.")
        }
    }
}

pub fn curp(e: &CurpError) -> String {
    let what = match e {
        CurpError::Length(n) => format!("tiene 18 caracteres y esta tiene {n}"),
        CurpError::NameLetters => "los caracteres 1 a 4 son letras del nombre".into(),
        CurpError::BirthDate => {
            "los caracteres 5 a 10 son la fecha de nacimiento como AAMMDD".into()
        }
        CurpError::Sex => "el carácter 11 es el sexo (H, M o X)".into(),
        CurpError::State => {
            "los caracteres 12 y 13 son la clave del estado (por ejemplo DF, JC, NL; NE si nació en el extranjero)"
                .into()
        }
        CurpError::Consonants => "los caracteres 14 a 16 son consonantes del nombre".into(),
        CurpError::Homoclave => "el carácter 17 es un dígito o una letra".into(),
        CurpError::CheckDigit => {
            "el dígito verificador (el último) no corresponde a los otros 17; revise si hay un error de dedo"
                .into()
        }
    };
    format!("La CURP no es válida: {what}.")
}

pub fn rfc(e: &RfcError) -> String {
    let what = match e {
        RfcError::Length(n) => {
            format!("tiene 13 caracteres (persona física) o 12 (persona moral) y este tiene {n}")
        }
        RfcError::NameLetters { expected } => {
            format!("empieza con {expected} letras (A-Z, Ñ, &)")
        }
        RfcError::Date => "después de las letras van 6 dígitos de una fecha AAMMDD".into(),
        RfcError::Homoclave => "termina con una homoclave de 3 letras o dígitos".into(),
    };
    format!("El RFC no es válido: {what}.")
}

pub fn rfc_warning(w: &RfcWarning) -> String {
    match w {
        RfcWarning::CheckDigit { .. } => {
            "El dígito verificador del RFC (el último carácter) no corresponde al resto; revíselo."
                .into()
        }
    }
}

/// An amount typed in `what` («el monto», «el importe») that is not one.
pub fn money(what: &str, e: &MoneyError) -> String {
    let what = capitalized(what);
    match e {
        MoneyError::Empty => format!("{what} es obligatorio."),
        MoneyError::Invalid(_) => format!(
            "{what} no es una cantidad: escríbala como 1234.56 o $1,234.56 (pesos, punto y centavos)."
        ),
        MoneyError::NotPlain(_) => {
            format!("{what} no es una cantidad: escríbala como 1234.56 (pesos, punto y centavos).")
        }
        MoneyError::TooManyDecimals(_) => {
            format!("{what} tiene más de 2 decimales: los importes son pesos y centavos.")
        }
        MoneyError::Overflow(_) => format!("{what} es demasiado grande."),
    }
}

/// A rate typed in `what` («la tasa») as a percentage, that is not one.
pub fn rate(what: &str, e: &RateError) -> String {
    let what = capitalized(what);
    match e {
        RateError::Empty => format!("{what} es obligatoria."),
        RateError::Invalid(_) => {
            format!("{what} no es un porcentaje: escríbala como 5 o 3.5 (por ciento).")
        }
        RateError::Negative(_) => format!("{what} no puede ser negativa."),
        RateError::AboveOneHundredPercent(_) => {
            format!(
                "{what} pasa de 100 % por periodo: escriba el porcentaje, por ejemplo 5 para 5 %."
            )
        }
    }
}

pub fn terms(e: &TermsError) -> String {
    match e {
        TermsError::ZeroTerm => "El plazo es de al menos un periodo.".into(),
        TermsError::TermTooLong(n) => {
            format!("Un plazo de {n} periodos pasa del máximo permitido de {MAX_TERM_PERIODS}.")
        }
        TermsError::NegativeLateFee(_) => "El cargo por atraso no puede ser negativo.".into(),
        TermsError::MinDaysTooLarge(n) => format!(
            "Los días mínimos hasta el primer vencimiento son como máximo {MAX_MIN_DAYS}; se pidieron {n}."
        ),
    }
}

/// A product's limits, as the product form and the application form meet them.
pub fn limits(e: &LimitsError) -> String {
    match e {
        LimitsError::NonPositiveMinimum(_) => "El monto mínimo debe ser mayor que cero.".into(),
        LimitsError::PrincipalRangeInverted { .. } => {
            "El monto mínimo no puede ser mayor que el monto máximo.".into()
        }
        LimitsError::TermOutOfBounds { .. } => {
            format!("Los plazos mínimo y máximo van de 1 a {MAX_TERM_PERIODS} periodos.")
        }
        LimitsError::TermRangeInverted { .. } => {
            "El plazo mínimo no puede ser mayor que el plazo máximo.".into()
        }
        LimitsError::DefaultTermOutside { min, max, .. } => format!(
            "El plazo del producto debe estar entre el plazo mínimo ({min}) y el máximo ({max})."
        ),
        LimitsError::PrincipalBelowMinimum { min, .. } => format!(
            "El monto mínimo de este producto es {}: solicite al menos esa cantidad.",
            pesos(*min)
        ),
        LimitsError::PrincipalAboveMaximum { max, .. } => format!(
            "El monto máximo de este producto es {}: solicite como máximo esa cantidad.",
            pesos(*max)
        ),
        LimitsError::TermOutside { min, max, .. } if min == max => {
            format!("Este producto se ofrece solo a {min} periodos.")
        }
        LimitsError::TermOutside { min, max, .. } => {
            format!("El plazo de este producto va de {min} a {max} periodos.")
        }
    }
}

pub fn schedule(e: &ScheduleError) -> String {
    match e {
        ScheduleError::NonPositivePrincipal(_) => "El monto debe ser mayor que cero.".into(),
        ScheduleError::NothingToDisburse {
            principal,
            deducted,
        } => format!(
            "La comisión de apertura y su IVA ({}) no dejan nada por entregar de {}.",
            pesos(*deducted),
            pesos(*principal)
        ),
        ScheduleError::PrincipalTooSmall { principal, periods } => format!(
            "Un monto de {} es demasiado pequeño para repartirlo en {periods} pagos; aumente el monto o reduzca el plazo.",
            pesos(*principal)
        ),
        ScheduleError::Overflow => {
            "Los importes de este préstamo son demasiado grandes para calcularlos.".into()
        }
        ScheduleError::DueDates(DueDateError::OutOfRange) => {
            "Las fechas de pago de este préstamo pasan de la última fecha que el sistema maneja."
                .into()
        }
        ScheduleError::Cat(e) => cat(e),
    }
}

fn cat(e: &CatError) -> String {
    match e {
        CatError::NoPayments => "El CAT necesita al menos un pago.".into(),
        CatError::NonPositiveNet(_) => {
            "El CAT necesita un monto entregado mayor que cero.".into()
        }
        CatError::PaymentsBelowNet { .. } => {
            "Los pagos suman menos que el monto entregado: no hay costo que medir.".into()
        }
        CatError::TooHigh => {
            "El CAT de estas condiciones es demasiado alto para calcularlo; revise la tasa y la comisión."
                .into()
        }
    }
}

fn component(c: Component) -> &'static str {
    match c {
        Component::LateFee => "cargo por atraso",
        Component::LateFeeIva => "IVA del cargo por atraso",
        Component::InterestIva => "IVA del interés",
        Component::Interest => "interés",
        Component::Principal => "capital",
    }
}

fn allocation(e: &AllocationError) -> String {
    match e {
        AllocationError::NonPositiveAmount(_) => "El pago debe ser mayor que cero.".into(),
        AllocationError::AbovePayoff { payoff, amount } => above_payoff(*payoff, *amount),
        AllocationError::UnknownInstallment(n) => {
            format!("La cuota {n} no existe en este préstamo.")
        }
        AllocationError::ExceedsDue {
            installment,
            component: c,
            ..
        } => format!(
            "La cuota {installment} no puede recibir más {}: pasaría de lo que se debe.",
            component(*c)
        ),
        AllocationError::ExceedsPaid {
            installment,
            component: c,
            ..
        } => format!(
            "La cuota {installment} no puede devolver ese {}: se pagó menos.",
            component(*c)
        ),
        AllocationError::InvalidBalance {
            installment,
            component: c,
        } => format!(
            "La cuota {installment} tiene un saldo de {} inconsistente.",
            component(*c)
        ),
        AllocationError::InvalidOrder(_) => {
            "El orden de aplicación debe nombrar una vez cada uno de los cinco conceptos.".into()
        }
        AllocationError::Overflow => "Los importes son demasiado grandes para sumarlos.".into(),
    }
}

pub fn above_payoff(
    payoff: credinet_core::money::Money,
    amount: credinet_core::money::Money,
) -> String {
    format!(
        "El pago de {} excede el saldo para liquidar de {}; lo máximo que acepta este préstamo es {}.",
        pesos(amount),
        pesos(payoff),
        pesos(payoff)
    )
}

/// Why a lending service refused.
pub fn refusal(r: &Refusal) -> String {
    match r {
        Refusal::Text(e) => text(e),
        Refusal::Phone(e) => phone(e),
        Refusal::Curp(e) => curp(e),
        Refusal::Rfc(e) => rfc(e),
        Refusal::Schedule(e) => schedule(e),
        Refusal::Terms(e) => terms(e),
        Refusal::Allocation(e) => allocation(e),
        Refusal::Limits(e) => limits(e),
        Refusal::NonPositivePrincipal(_) => "El monto debe ser mayor que cero.".into(),
        Refusal::ProductRetired(name) => format!("El producto «{name}» ya no se ofrece."),
        Refusal::CommissionTooHigh => {
            "La comisión de apertura debe ser menor que 100 % del monto.".into()
        }
        Refusal::DateOutOfRange { what, range } => format!(
            "{} {} está fuera de las fechas aceptadas: del {} al {}.",
            match what {
                DateOf::Disbursement => "La fecha de dispersión",
                DateOf::Payment => "La fecha del pago",
                DateOf::Birth => "La fecha de nacimiento",
            },
            date(range.on),
            date(range.earliest),
            date(range.latest)
        ),
        Refusal::DisbursedInFuture { on, today } => format!(
            "Un préstamo no se puede dispersar con fecha futura ({}; hoy es {}).",
            date(*on),
            date(*today)
        ),
        Refusal::OwnApplication => {
            "Quien envió la solicitud no puede aprobarla; debe aprobarla otro gerente.".into()
        }
        Refusal::ReasonRequired => "Escriba el motivo.".into(),
        Refusal::NonPositivePayment(_) => "El pago debe ser mayor que cero.".into(),
        Refusal::PaidInFuture { on, today } => format!(
            "Un pago no puede tener fecha futura ({}; hoy es {}).",
            date(*on),
            date(*today)
        ),
        Refusal::PaidBeforeDisbursement { disbursed_on } => format!(
            "Un pago no puede tener fecha anterior a la dispersión del préstamo ({}).",
            date(*disbursed_on)
        ),
        Refusal::TakesNoPayments { number, .. } => {
            format!("El préstamo {number} no recibe pagos: sólo un préstamo dispersado los recibe.")
        }
        Refusal::AlreadyReversed(_) => "Ese pago ya fue reversado.".into(),
        Refusal::DuplicateClient { what, .. } => match what {
            DuplicateOf::Curp => "Ya existe un cliente con este CURP.".into(),
            DuplicateOf::Phone => "Ya existe un cliente con este teléfono.".into(),
        },
    }
}

/// What a client's data is accepted with but worth a second look.
pub fn client_warning(w: &ClientWarning) -> String {
    match w {
        ClientWarning::DuplicatePhone { other, name } => {
            format!("El cliente {other} ({name}) ya tiene este teléfono.")
        }
        ClientWarning::DuplicateCurp { other, name } => {
            format!("El cliente {other} ({name}) ya tiene esta CURP.")
        }
        ClientWarning::RfcCheckDigit { .. } => {
            "El dígito verificador del RFC (el último carácter) no corresponde al resto; revíselo."
                .into()
        }
        ClientWarning::BirthDateDiffersFromCurp { curp_says } => format!(
            "La CURP dice que la fecha de nacimiento es {}.",
            date(*curp_says)
        ),
    }
}

fn password(e: &PasswordError) -> String {
    match e {
        PasswordError::TooShort => {
            format!("La contraseña necesita al menos {MIN_LEN} caracteres.")
        }
        PasswordError::TooLong => format!("La contraseña pasa de {MAX_LEN} caracteres."),
        PasswordError::Hash(_) => "No pudimos guardar la contraseña; intente de nuevo.".into(),
    }
}

/// Why an account service refused.
pub fn account(r: &AccountRefusal) -> String {
    match r {
        AccountRefusal::Text(e) => text(e),
        AccountRefusal::Password(e) => password(e),
        AccountRefusal::NotAnEmail => {
            "El correo no es una dirección de correo (nombre@dominio.mx).".into()
        }
        AccountRefusal::LastAdmin => {
            "La empresa debe conservar al menos un administrador activo.".into()
        }
        AccountRefusal::WrongCurrentPassword => "La contraseña actual no es correcta.".into(),
    }
}

/// A WhatsApp channel as the client page names it.
pub fn assistant_channel(stored: &str) -> &'static str {
    match stored {
        "cloud_api" => "WhatsApp Cloud API",
        "autoresponder" => "AutoResponder (teléfono de la financiera)",
        _ => "Otro canal",
    }
}

/// What the assistant's router read in a message, as staff read it in a transcript.
pub fn assistant_intent(stored: &str) -> &'static str {
    use credinet_assistant::Intent;
    match Intent::parse(stored) {
        Some(Intent::Greeting) => "saludo o menú",
        Some(Intent::Balance) => "saldo",
        Some(Intent::NextPayment) => "próximo pago",
        Some(Intent::PaymentHistory) => "historial de pagos",
        Some(Intent::Statement) => "estado de cuenta",
        Some(Intent::HowToPay) => "cómo pagar",
        Some(Intent::Agent) => "hablar con un asesor",
        Some(Intent::OptOut) => "baja de mensajes",
        Some(Intent::Thanks) => "agradecimiento",
        Some(Intent::Answer) => "respuesta a la verificación",
        Some(Intent::Unknown) | None => "no reconocido",
    }
}

/// A reply's delivery status reported by the Cloud API.
pub fn delivery_status(stored: &str) -> &'static str {
    match stored {
        "sent" => "enviado",
        "delivered" => "entregado",
        "read" => "leído",
        "failed" => "no entregado",
        _ => "",
    }
}

/// How a sentence names a field of the notification forms, with its article.
fn notify_field(f: DraftField) -> &'static str {
    match f {
        DraftField::Name => "el nombre",
        DraftField::Kind => "el tipo de canal",
        DraftField::BotToken => "el token del bot",
        DraftField::ChatIds => "la lista de chats",
        DraftField::WebhookUrl => "la URL del webhook de Discord",
        DraftField::SmtpUrl => "la URL del servidor SMTP",
        DraftField::From => "el remitente",
        DraftField::To => "la lista de destinatarios",
        DraftField::Url => "la URL del webhook",
        DraftField::Secret => "el secreto",
        DraftField::EventKind => "el evento",
        DraftField::Channel => "el canal",
    }
}

/// A refused notification channel or rule form, said next to its field.
pub fn notify_draft(r: &DraftRefusal) -> String {
    let what = notify_field(r.field);
    match &r.problem {
        DraftProblem::Required => match r.field {
            DraftField::Kind | DraftField::EventKind | DraftField::Channel => {
                format!("Elija {what}.")
            }
            _ => format!("Escriba {what}."),
        },
        DraftProblem::TooLong { max } => format!(
            "{} tiene más de {max} caracteres; acórtelo.",
            capitalized(what)
        ),
        DraftProblem::ControlCharacter { at } => format!(
            "{} tiene un carácter invisible (el número {at}), quizá pegado de otro programa; bórrelo.",
            capitalized(what)
        ),
        DraftProblem::UnknownKind => {
            "Elija el tipo de canal: Telegram, Discord, correo o webhook.".into()
        }
        DraftProblem::NameTaken => "Ya hay un canal con ese nombre; elija otro.".into(),
        DraftProblem::TooMany { max } => format!(
            "{} tiene demasiados elementos: como máximo {max}.",
            capitalized(what)
        ),
        DraftProblem::BadChatId { value } => format!(
            "«{value}» no es un chat de Telegram: escriba su número (por ejemplo -1001234567890) o @nombre_del_canal."
        ),
        DraftProblem::BadUrl => format!(
            "{} debe ser una dirección que empiece con https:// (o http://) y nombre el servidor.",
            capitalized(what)
        ),
        DraftProblem::BadSmtpUrl => "La URL del servidor SMTP empieza con smtps:// (o smtp://) y nombra el servidor, por ejemplo smtps://usuario:contraseña@correo.ejemplo.mx:465.".into(),
        DraftProblem::BadAddress { value } => {
            format!("«{value}» no es una dirección de correo.")
        }
        DraftProblem::UnknownEvent => "Elija un evento de la lista.".into(),
        DraftProblem::UnknownChannel => "Elija uno de los canales de la lista.".into(),
    }
}

/// Why a notification was not delivered, as the admin testing a channel reads it. The service's own
/// words (English, and possibly naming a chat) go to the server log, not to the page.
pub fn send_error(e: &SendError) -> String {
    match e {
        SendError::RateLimited { .. } => {
            "El servicio pidió esperar: recibió demasiados mensajes. Pruebe en un minuto.".into()
        }
        SendError::Server { status } => {
            format!("El servicio respondió con un error suyo ({status}); pruebe más tarde.")
        }
        SendError::Refused { status, .. } => format!(
            "El servicio rechazó el mensaje ({status}); revise el destino y el token del canal. Su respuesta está en el registro del servidor."
        ),
        SendError::Unreachable { .. } => {
            "No se pudo conectar con el servicio; revise la dirección del canal.".into()
        }
        SendError::ChatMigrated { to } => {
            format!("El chat de Telegram cambió de número, ahora es {to}; corrija el canal.")
        }
        SendError::MailRefused { .. } => {
            "El servidor de correo rechazó el mensaje; revise el remitente y los destinatarios."
                .into()
        }
        SendError::MailFailed { .. } => {
            "El servidor de correo falló; revise la URL del servidor SMTP.".into()
        }
        SendError::Config(_) => {
            "El canal está mal configurado; vuelva a escribir sus datos.".into()
        }
    }
}
