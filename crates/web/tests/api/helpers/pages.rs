//! What a test reads off a page's HTML.

pub fn hidden_csrf(html: &str) -> String {
    between(html, "name=\"csrf_token\" value=\"", "\"").expect("the page has a csrf_token field")
}

pub fn meta_csrf(html: &str) -> String {
    between(html, "<meta name=\"csrf-token\" content=\"", "\"")
        .expect("the page has a csrf-token meta tag")
}

/// The value of the dashboard card whose label is `label`.
pub fn card(html: &str, label: &str) -> String {
    let at = html
        .find(label)
        .unwrap_or_else(|| panic!("the page shows {label}"));
    between(&html[at..], "class=\"value\">", "<")
        .unwrap_or_else(|| panic!("the card {label} has a value"))
}

fn between(text: &str, start: &str, end: &str) -> Option<String> {
    let from = text.find(start)? + start.len();
    let to = text[from..].find(end)? + from;
    Some(text[from..to].to_string())
}
