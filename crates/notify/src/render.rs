//! A notice formatted for each channel — pure: escaped for where it goes, and split into parts that
//! fit the channel's size limit (Telegram 4,096, Discord 2,000 characters).
//!
//! Splitting works on escaped units (a character, or its HTML entity), at line ends when a line fits and
//! between units otherwise, so a part never ends inside an entity and every character of the notice is
//! in exactly one part. Lengths are counted in UTF-16 code units, which is what both services count;
//! for text outside the Basic Multilingual Plane that is more than the characters, so it errs short.

use crate::templates::Notice;

pub const TELEGRAM_LIMIT: usize = 4096;
pub const DISCORD_LIMIT: usize = 2000;

/// Room kept in every part for its "(2/3)" marker.
const MARKER_ROOM: usize = 16;

fn units(s: &str) -> usize {
    s.encode_utf16().count()
}

/// HTML escaping for Telegram's `parse_mode: HTML`: the only characters it treats as markup.
pub fn html_escape(c: char) -> Option<&'static str> {
    match c {
        '<' => Some("&lt;"),
        '>' => Some("&gt;"),
        '&' => Some("&amp;"),
        _ => None,
    }
}

/// Markdown escaping for Discord, so a client's name cannot format the message. Mentions are not
/// escaped here: the request's empty `allowed_mentions` makes them inert.
pub fn discord_escape(c: char) -> Option<&'static str> {
    match c {
        '\\' => Some("\\\\"),
        '*' => Some("\\*"),
        '_' => Some("\\_"),
        '~' => Some("\\~"),
        '`' => Some("\\`"),
        '|' => Some("\\|"),
        '>' => Some("\\>"),
        '#' => Some("\\#"),
        '[' => Some("\\["),
        ']' => Some("\\]"),
        _ => None,
    }
}

fn escaped(text: &str, escape: fn(char) -> Option<&'static str>) -> Vec<String> {
    text.chars()
        .map(|c| match escape(c) {
            Some(e) => e.to_string(),
            None => c.to_string(),
        })
        .collect()
}

/// Packs escaped lines into parts of at most `room` units.
fn pack(lines: Vec<Vec<String>>, room: usize) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut current_units = 0;
    for line in lines {
        let line_units: usize = line.iter().map(|u| units(u)).sum();
        let separator = usize::from(!current.is_empty());
        if current_units + separator + line_units <= room {
            if separator == 1 {
                current.push('\n');
            }
            current.extend(line);
            current_units += separator + line_units;
            continue;
        }
        // The line does not fit in what is left: start a new part, and cut the line itself only if it
        // is longer than a whole part.
        if !current.is_empty() {
            parts.push(std::mem::take(&mut current));
            current_units = 0;
        }
        for unit in line {
            let n = units(&unit);
            if current_units + n > room {
                parts.push(std::mem::take(&mut current));
                current_units = 0;
            }
            current.push_str(&unit);
            current_units += n;
        }
    }
    if !current.is_empty() || parts.is_empty() {
        parts.push(current);
    }
    parts
}

fn numbered(parts: Vec<String>) -> Vec<String> {
    let total = parts.len();
    if total == 1 {
        return parts;
    }
    parts
        .into_iter()
        .enumerate()
        .map(|(i, p)| format!("({}/{total})\n{p}", i + 1))
        .collect()
}

/// Telegram: HTML with the title in bold; parts of at most 4,096 units.
pub fn telegram(notice: &Notice) -> Vec<String> {
    let title: String = escaped(&notice.title, html_escape).concat();
    let mut lines = vec![vec![format!("<b>{title}</b>")]];
    lines.extend(notice.lines.iter().map(|l| escaped(l, html_escape)));
    numbered(pack(lines, TELEGRAM_LIMIT - MARKER_ROOM))
}

/// Discord: Markdown with the title in bold; parts of at most 2,000 units.
pub fn discord(notice: &Notice) -> Vec<String> {
    let title: String = escaped(&notice.title, discord_escape).concat();
    let mut lines = vec![vec![format!("**{title}**")]];
    lines.extend(notice.lines.iter().map(|l| escaped(l, discord_escape)));
    numbered(pack(lines, DISCORD_LIMIT - MARKER_ROOM))
}

/// Email: the title as subject (on one line), the lines as a plain-text body.
pub fn email(notice: &Notice) -> (String, String) {
    let subject: String = notice
        .title
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    (format!("[Credinet] {subject}"), notice.lines.join("\n"))
}

/// A generic webhook: one JSON document with the notice and what it is about.
pub fn webhook(notice: &Notice, kind: &str, occurrences: usize, tenant_id: Option<i64>) -> String {
    serde_json::json!({
        "kind": kind,
        "tenant_id": tenant_id,
        "occurrences": occurrences,
        "title": notice.title,
        "lines": notice.lines,
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notice(lines: Vec<String>) -> Notice {
        Notice {
            title: "Préstamo aprobado".into(),
            lines,
        }
    }

    /// Undoes the escaping and the part markers, to compare with what was rendered.
    fn unescape_telegram(parts: &[String]) -> String {
        parts
            .iter()
            .map(|p| match p.strip_prefix('(') {
                Some(rest) => rest.split_once('\n').map(|(_, body)| body).unwrap_or(p),
                None => p,
            })
            .collect::<Vec<_>>()
            .concat()
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
    }

    #[test]
    fn markup_in_data_is_escaped_for_telegram_and_discord() {
        let n = notice(vec!["Cliente: <b>Ana</b> & @everyone *x*".into()]);
        let tg = telegram(&n);
        assert_eq!(
            tg,
            ["<b>Préstamo aprobado</b>\nCliente: &lt;b&gt;Ana&lt;/b&gt; &amp; @everyone *x*"]
        );
        let dc = discord(&n);
        assert_eq!(
            dc,
            ["**Préstamo aprobado**\nCliente: <b\\>Ana</b\\> & @everyone \\*x\\*"]
        );
    }

    #[test]
    fn a_ten_thousand_character_message_is_split_within_the_limits_and_loses_nothing() {
        let long: String = "<a&b> ñ".repeat(10_000 / 7 + 1);
        let n = notice(vec![long.clone(), "fin".into()]);
        let tg = telegram(&n);
        assert!(tg.len() > 1);
        for part in &tg {
            assert!(units(part) <= TELEGRAM_LIMIT, "{} units", units(part));
            // No entity is cut: the text has no ';' of its own, so each '&' opens one whole entity.
            assert_eq!(part.matches('&').count(), part.matches(';').count());
        }
        let joined = unescape_telegram(&tg);
        assert!(joined.contains(&long));
        assert!(joined.ends_with("fin"));
        let dc = discord(&n);
        assert!(dc.len() >= 5);
        for (i, part) in dc.iter().enumerate() {
            assert!(units(part) <= DISCORD_LIMIT);
            assert!(part.starts_with(&format!("({}/{})\n", i + 1, dc.len())));
        }
    }

    #[test]
    fn lines_are_kept_whole_when_they_fit() {
        let lines: Vec<String> = (0..400).map(|i| format!("línea {i:04} ………")).collect();
        let parts = discord(&notice(lines));
        for part in &parts {
            for line in part.lines().skip(1) {
                assert!(line.starts_with("línea ") || line.starts_with("**"));
                assert!(line.ends_with('…') || line.ends_with("**"));
            }
        }
    }

    #[test]
    fn astral_characters_count_as_two_units() {
        let n = notice(vec!["😀".repeat(3000)]);
        for part in discord(&n) {
            assert!(units(&part) <= DISCORD_LIMIT);
        }
    }
}
