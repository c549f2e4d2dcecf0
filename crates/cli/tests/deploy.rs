//! The files in `deploy/` are checked by the tools that will read them: `nginx -t` on the nginx example,
//! `systemd-analyze verify` on the unit, `docker build` on the Dockerfile where a Docker daemon answers.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A fresh directory for one test's files (removed at the end of a passing test).
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "credinet-tests/deploy-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

fn run(cmd: &mut Command) -> Output {
    let shown = format!("{cmd:?}");
    cmd.output()
        .unwrap_or_else(|e| panic!("{shown} could not start: {e} (.ci/run installs it)"))
}

fn assert_success(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_nginx_example_passes_nginx_t() {
    let dir = scratch("nginx");
    // nginx -t opens the certificate files, so the example's paths are pointed at a throwaway pair.
    assert_success(
        &run(Command::new("openssl").current_dir(&dir).args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "key.pem",
            "-out",
            "cert.pem",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
        ])),
        "openssl req",
    );
    let site = std::fs::read_to_string(repo_root().join("deploy/nginx/credinet.conf")).unwrap();
    let live = "/etc/letsencrypt/live/credito.example.mx";
    assert!(
        site.contains(live),
        "the example names its certificate paths"
    );
    let site = site
        .replace(
            &format!("{live}/fullchain.pem"),
            &dir.join("cert.pem").display().to_string(),
        )
        .replace(
            &format!("{live}/privkey.pem"),
            &dir.join("key.pem").display().to_string(),
        );
    std::fs::write(dir.join("site.conf"), site).unwrap();
    // The main file a Debian nginx would have, reduced to what lets it run unprivileged in a directory.
    let d = dir.display();
    std::fs::write(
        dir.join("nginx.conf"),
        format!(
            "pid {d}/nginx.pid;\nerror_log {d}/error.log;\nevents {{}}\nhttp {{\n  access_log off;\n  \
             client_body_temp_path {d}/tmp;\n  proxy_temp_path {d}/tmp;\n  fastcgi_temp_path {d}/tmp;\n  \
             uwsgi_temp_path {d}/tmp;\n  scgi_temp_path {d}/tmp;\n  include {d}/site.conf;\n}}\n"
        ),
    )
    .unwrap();
    let out = run(Command::new("nginx")
        .arg("-t")
        .arg("-c")
        .arg(dir.join("nginx.conf"))
        .arg("-p")
        .arg(&dir));
    assert_success(&out, "nginx -t");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("test is successful"), "nginx said: {said}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_nginx_example_keeps_what_credinet_needs() {
    let site = std::fs::read_to_string(repo_root().join("deploy/nginx/credinet.conf")).unwrap();
    // Without the forwarded address every client shares the proxy's, and the per-address sign-in
    // throttle locks out the whole office at once.
    for needed in [
        "ssl_protocols TLSv1.2 TLSv1.3;",
        "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        "proxy_set_header X-Forwarded-Proto $scheme;",
        "proxy_buffering off;",
    ] {
        assert!(
            site.contains(needed),
            "deploy/nginx/credinet.conf lacks `{needed}`"
        );
    }
    // Nothing may drop or rewrite the credentials the API and the WhatsApp app send.
    assert!(
        !site.contains("proxy_set_header Authorization"),
        "Authorization passes as sent"
    );
}

#[test]
fn the_systemd_unit_verifies_and_is_hardened() {
    let dir = scratch("systemd");
    let unit =
        std::fs::read_to_string(repo_root().join("deploy/systemd/credinet.service")).unwrap();
    for hardening in [
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "PrivateTmp=yes",
        "User=credinet",
    ] {
        assert!(unit.contains(hardening), "the unit lacks {hardening}");
    }
    // `verify` checks that ExecStart names an executable: point it at the binary just built.
    let exec = "ExecStart=/opt/credinet/current/credinet serve";
    assert!(unit.contains(exec), "the unit starts the current release");
    let unit = unit.replace(
        exec,
        &format!("ExecStart={} serve", env!("CARGO_BIN_EXE_credinet")),
    );
    let path = dir.join("credinet.service");
    std::fs::write(&path, unit).unwrap();
    let out = run(Command::new("systemd-analyze").arg("verify").arg(&path));
    assert_success(&out, "systemd-analyze verify");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        !said.contains("credinet.service:"),
        "systemd-analyze found problems in the unit: {said}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_dockerfile_builds_where_docker_runs() {
    let daemon = Command::new("docker").arg("info").output();
    let reason = match &daemon {
        Err(e) => Some(format!("no docker command ({e})")),
        Ok(o) if !o.status.success() => Some(format!(
            "no Docker daemon answers: {}",
            String::from_utf8_lossy(&o.stderr)
                .lines()
                .last()
                .unwrap_or("")
                .trim()
        )),
        Ok(_) => None,
    };
    if let Some(reason) = reason {
        // Said on the test's output so a reader of the CI log sees it was not checked, and why.
        eprintln!("SKIPPED docker build of deploy/docker/Dockerfile: {reason}");
        return;
    }
    let out = run(Command::new("docker").current_dir(repo_root()).args([
        "build",
        "-f",
        "deploy/docker/Dockerfile",
        "-t",
        "credinet:test",
        ".",
    ]));
    assert_success(&out, "docker build");
}
