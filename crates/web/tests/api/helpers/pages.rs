//! What a test reads off a page's HTML.

pub fn hidden_csrf(html: &str) -> String {
    between(html, "name=\"csrf_token\" value=\"", "\"").expect("the page has a csrf_token field")
}

pub fn meta_csrf(html: &str) -> String {
    between(html, "<meta name=\"csrf-token\" content=\"", "\"")
        .expect("the page has a csrf-token meta tag")
}

fn between(text: &str, start: &str, end: &str) -> Option<String> {
    let from = text.find(start)? + start.len();
    let to = text[from..].find(end)? + from;
    Some(text[from..to].to_string())
}
