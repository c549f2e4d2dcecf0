//! What a release is called and which installed releases stay — pure, so the rules have tests of
//! their own and the steps only do the I/O.

use chrono::{DateTime, Utc};

/// An installed release as the layout sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installed {
    pub name: String,
    pub installed_at: DateTime<Utc>,
}

/// The name of a new release: its version (from `credinet --version`, e.g. `credinet 0.1.0`) and the
/// instant, so two builds of one version never share a directory.
pub fn release_name(version_line: &str, now: DateTime<Utc>) -> Result<String, String> {
    let version = version_line
        .split_whitespace()
        .nth(1)
        .filter(|v| v.chars().next().is_some_and(|c| c.is_ascii_digit()))
        .ok_or_else(|| {
            format!(
                "the new binary answered `--version` with «{}», not «credinet <version>»: is it a credinet build?",
                version_line.trim()
            )
        })?;
    let name = format!("{version}-{}", now.format("%Y%m%dT%H%M%SZ"));
    check_name(&name)?;
    Ok(name)
}

/// A release name is one directory under `releases/`: no separators, nothing hidden, nothing a shell
/// or a person would misread.
pub fn check_name(name: &str) -> Result<(), String> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '+' | '-');
    if name.is_empty() || name.starts_with('.') || !name.chars().all(allowed) || name.len() > 100 {
        return Err(format!(
            "«{name}» cannot name a release: use letters, digits, «.», «_», «+» and «-», not starting with «.»"
        ));
    }
    Ok(())
}

/// The releases to delete after a successful release: all but the `keep` most recently installed,
/// and never `current`. `keep` below 2 is taken as 2, so the release before is always there to go
/// back to by hand.
pub fn to_remove(installed: &[Installed], current: &str, keep: usize) -> Vec<String> {
    let mut newest_first: Vec<&Installed> = installed.iter().collect();
    newest_first.sort_by(|a, b| {
        b.installed_at
            .cmp(&a.installed_at)
            .then_with(|| b.name.cmp(&a.name))
    });
    let mut kept = usize::from(installed.iter().any(|r| r.name == current));
    let mut remove = Vec::new();
    for release in newest_first {
        if release.name == current {
            continue;
        }
        if kept < keep.max(2) {
            kept += 1;
        } else {
            remove.push(release.name.clone());
        }
    }
    remove.sort();
    remove
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, day, 10, 0, 0).unwrap()
    }

    fn installed(names: &[(&str, u32)]) -> Vec<Installed> {
        names
            .iter()
            .map(|(name, day)| Installed {
                name: name.to_string(),
                installed_at: at(*day),
            })
            .collect()
    }

    #[test]
    fn a_name_is_the_version_and_the_instant() {
        assert_eq!(
            release_name("credinet 0.1.0\n", at(3)).unwrap(),
            "0.1.0-20261203T100000Z"
        );
    }

    #[test]
    fn a_binary_that_is_not_credinet_is_named_in_the_refusal() {
        let e = release_name("Usage: foo [OPTIONS]", at(3)).unwrap_err();
        assert!(e.contains("«Usage: foo [OPTIONS]»"), "{e}");
        assert!(release_name("", at(3)).is_err());
    }

    #[test]
    fn names_that_would_leave_releases_are_refused() {
        for bad in ["", ".", "..", "../x", "a/b", ".hidden", "a b", "ñ"] {
            assert!(check_name(bad).is_err(), "{bad:?} must be refused");
        }
        for good in ["0.1.0-20261203T100000Z", "v2", "1.0.0+build_7"] {
            assert!(check_name(good).is_ok(), "{good:?} must be accepted");
        }
    }

    #[test]
    fn the_newest_releases_stay_and_current_always_does() {
        let all = installed(&[("a", 1), ("b", 2), ("c", 3), ("d", 4)]);
        assert_eq!(to_remove(&all, "d", 2), vec!["a", "b"]);
        assert_eq!(to_remove(&all, "d", 3), vec!["a"]);
        assert_eq!(to_remove(&all, "d", 10), Vec::<String>::new());
        // A current release installed before others (a rollback by hand) is kept besides the newest.
        assert_eq!(to_remove(&all, "a", 2), vec!["b", "c"]);
    }

    #[test]
    fn fewer_than_two_is_taken_as_two() {
        let all = installed(&[("a", 1), ("b", 2), ("c", 3)]);
        assert_eq!(to_remove(&all, "c", 0), vec!["a"]);
        assert_eq!(to_remove(&all, "c", 1), vec!["a"]);
    }
}
