//! The demo (the README's first command) tells its whole story: run it as
//! a user would and check it completes, with the default loss and with
//! heavier loss on several seeds.

use std::process::Command;

fn demo(args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO"))
        .args(["run", "--quiet", "--example", "demo", "--"])
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

#[test]
fn demo_story_completes_with_default_loss() {
    let (ok, out) = demo(&[]);
    assert!(ok, "{out}");
    for step in 1..=5 {
        assert!(out.contains(&format!("step {step}:")), "{out}");
    }
    assert!(!out.contains("FAILED"), "{out}");
    assert!(out.contains("story complete"), "{out}");
    // The ladder shows the digest challenge and the hold.
    assert!(out.contains("401 Unauthorized") && out.contains("re-INVITE"), "{out}");
}

#[test]
fn demo_story_completes_under_heavy_loss() {
    for seed in ["3", "8", "11"] {
        let (ok, out) = demo(&["--loss", "0.2", "--seed", seed]);
        assert!(ok, "seed {seed}: {out}");
    }
}
