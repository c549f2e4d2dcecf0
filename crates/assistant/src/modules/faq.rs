//! The tenant's FAQ: a message not understood is compared with the tenant's questions before the menu.

use crate::router::normalize;
use crate::tenant_config::FaqEntry;

/// The answer of the first entry one of whose keyword phrases has all its words in the message.
pub fn answer(faq: &[FaqEntry], text: &str) -> Option<String> {
    let words = normalize::words(text);
    faq.iter()
        .find(|entry| {
            entry.keywords.iter().any(|phrase| {
                let wanted = normalize::words(phrase);
                !wanted.is_empty() && wanted.iter().all(|w| words.contains(w))
            })
        })
        .map(|entry| entry.answer.clone())
        .filter(|a| !a.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_question_with_every_word_of_a_keyword_phrase_gets_its_answer() {
        let faq = vec![FaqEntry {
            keywords: vec!["horario".into(), "abren sábado".into()],
            answer: "De lunes a viernes de 9 a 18 h.".into(),
        }];
        assert!(answer(&faq, "¿a qué hora abren el SABADO?").is_some());
        assert!(answer(&faq, "cual es su horario").is_some());
        assert!(answer(&faq, "abren mañana?").is_none());
    }
}
