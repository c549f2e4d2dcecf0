//! The Spanish reply templates shipped for every outcome (SPEC §5). A tenant's own versions replace
//! them in part 2 (the template editor); until then every reply records these as version 0.

/// The version recorded for a shipped default template.
pub const DEFAULT_VERSION: i32 = 0;

pub const DEFAULTS: &[(&str, &str)] = &[
    (
        "menu",
        "¡Hola! Soy el asistente de {{ empresa }}. Escribe el número de lo que necesitas:\n\
1. Saldo\n2. Próximo pago\n3. Historial de pagos\n4. Estado de cuenta\n5. Cómo pagar\n6. Hablar con un asesor",
    ),
    (
        "fallback",
        "No entendí tu mensaje. Escribe el número de lo que necesitas:\n\
1. Saldo\n2. Próximo pago\n3. Historial de pagos\n4. Estado de cuenta\n5. Cómo pagar\n6. Hablar con un asesor",
    ),
    ("thanks", "¡Con gusto! Aquí estoy si necesitas algo más."),
    (
        "opted_out",
        "Listo, ya no te enviaremos mensajes. Si cambias de opinión, escríbenos «hola».",
    ),
    (
        "handoff",
        "Te comunico con un asesor de {{ empresa }}. En breve te responde una persona por este chat.",
    ),
    (
        "unsupported",
        "Por ahora solo puedo leer mensajes de texto. Escribe «menú» para ver las opciones.",
    ),
    (
        "diagnostic",
        "Prueba recibida: el asistente de {{ empresa }} está conectado (canal {{ channel }}, remitente \
{% if sender_is_phone %}con número{% else %}con nombre de contacto{% endif %}).",
    ),
    (
        "ask_identifier",
        "{% if again %}Seguimos con tu verificación. {% else %}Para darte información de tu crédito primero \
necesito verificar tu identidad. {% endif %}Escribe tu número de teléfono, tu número de préstamo o tu CURP.",
    ),
    (
        "ask_secret",
        "{% if again %}Seguimos con tu verificación. {% else %}Gracias. {% endif %}Ahora escribe tu fecha de \
nacimiento (por ejemplo 12/05/1985) o tu PIN.",
    ),
    (
        "verified",
        "¡Gracias, {{ first_name }}! Ya verifiqué tu identidad. ¿Qué necesitas?\n\
1. Saldo\n2. Próximo pago\n3. Historial de pagos\n4. Estado de cuenta\n5. Cómo pagar\n6. Hablar con un asesor",
    ),
    (
        "verification_failed",
        "Los datos no coinciden. Te {{ 'queda' if attempts_left == 1 else 'quedan' }} {{ attempts_left }} \
{{ 'intento' if attempts_left == 1 else 'intentos' }}. Escribe de nuevo tu teléfono, número de préstamo o CURP.",
    ),
    (
        "verification_locked",
        "Por seguridad bloqueamos la verificación durante {{ minutes }} minutos. Si necesitas ayuda, \
escribe «asesor».",
    ),
    ("no_loans", "No encontré préstamos activos a tu nombre."),
    (
        "balance",
        "{% if loans|length == 1 %}Tu saldo del préstamo {{ loans[0].number }} es {{ total|pesos }}.\
{% if loans[0].overdue > 0 %} De ese saldo, {{ loans[0].overdue|pesos }} está vencido.{% endif %}\
{% else %}Tu saldo total es {{ total|pesos }}:{% for loan in loans %}\n• Préstamo {{ loan.number }}: \
{{ loan.outstanding|pesos }}{% if loan.overdue > 0 %} ({{ loan.overdue|pesos }} vencido){% endif %}\
{% endfor %}{% endif %}",
    ),
    (
        "next_payment",
        "Tu próximo pago del préstamo {{ loan }} es de {{ amount|pesos }} con fecha límite \
{{ due_date|fecha }}.{% if overdue > 0 %} Tienes {{ overdue|pesos }} vencido; págalo lo antes posible.{% endif %}",
    ),
    (
        "nothing_due",
        "No tienes pagos pendientes. ¡Gracias por estar al corriente!",
    ),
    (
        "payment_history",
        "{% if payments %}Tus últimos pagos:{% for p in payments %}\n• {{ p.paid_on|fecha }}: {{ p.amount|pesos }} \
(préstamo {{ p.loan }}){% endfor %}{% else %}Aún no tenemos pagos registrados en tus préstamos activos.{% endif %}",
    ),
    (
        "statement",
        "Estado de cuenta del préstamo {{ loan }} al corte del {{ cut_date|fecha }}:\n\
Saldo anterior: {{ opening|pesos }}\nCargos: {{ charges|pesos }}\nPagos: {{ payments|pesos }}\n\
Saldo al corte: {{ closing|pesos }}\nVencido: {{ overdue|pesos }}\
{% if next_due_date %}\nPróximo pago: {{ next_due_amount|pesos }} el {{ next_due_date|fecha }}{% endif %}",
    ),
    (
        "no_statement",
        "Todavía no hay un corte con estado de cuenta de tu préstamo. Escribe «saldo» para ver tu saldo de hoy.",
    ),
    (
        "how_to_pay",
        "{% if instructions %}{{ instructions }}\n{% else %}Puedes pagar en las oficinas de {{ empresa }}.\n\
{% endif %}Usa como referencia tu número de préstamo: {{ references|join(', ') }}.",
    ),
    ("faq", "{{ answer }}"),
];
