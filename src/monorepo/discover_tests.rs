//! Discovery as a whole: configuration, malformed manifests, garbage and deep nesting.

use crate::monorepo::ecosystems::{cargo, npm, python};
use crate::monorepo::support::{semver, xml, yaml};
use crate::monorepo::testutil::*;
use crate::monorepo::*;

#[test]
fn config_defaults_and_unknown_keys() {
    let c: Config = toml::from_str("global = [\"ci/**\"]\nnpm = false\n").expect("config");
    assert_eq!(c.global, vec!["ci/**"]);
    assert!(!c.npm && c.cargo && c.default_globals);
    assert!(toml::from_str::<Config>("bogus = 1").is_err());
    let snap = MemSnap::new(&[
        ("package.json", NPM_ROOT),
        ("packages/a/package.json", "{\"name\": \"a\"}"),
        ("ci/x.yml", ""),
    ]);
    let ws = discover(&snap, &c);
    assert!(ws.packages.is_empty());
    assert_eq!(ws.owner(b"ci/x.yml"), Owner::Global(None));
}

#[test]
fn malformed_manifests_name_file_and_line() {
    let big = format!(
        "{{\"name\": \"big\", \"x\": \"{}\"}}",
        "a".repeat(MAX_MANIFEST_BYTES)
    );
    let snap = MemSnap::new(&[
        (
            "Cargo.toml",
            "[workspace]\nmembers = [\"crates/*\", \"../outside\"]\n",
        ),
        (
            "crates/a/Cargo.toml",
            "[package]\nname = \"a\"\nversion = \n",
        ),
        ("crates/b/Cargo.toml", &krate("b")),
        ("web/package.json", "{\n  \"name\": \"web\",\n  oops\n}"),
        ("big/package.json", &big),
        ("pnpm-workspace.yaml", "packages:\n  - 'a'\n\tbad: 1\n"),
        (
            "java/pom.xml",
            "<project>\n<artifactId>x</artifactId>\n</projec>\n",
        ),
    ])
    .with_entry(
        b"crates/c/Cargo.toml",
        b"../../etc/passwd",
        EntryMode::Symlink,
    );
    let ws = discover(&snap, &Config::default());
    let got: Vec<(String, Option<u32>)> = ws
        .diagnostics
        .iter()
        .map(|d| (d.file.clone(), d.line))
        .collect();
    for want in [
        ("Cargo.toml".to_string(), None),
        ("crates/a/Cargo.toml".to_string(), Some(3)),
        ("crates/c/Cargo.toml".to_string(), None),
        ("web/package.json".to_string(), Some(3)),
        ("big/package.json".to_string(), None),
        ("pnpm-workspace.yaml".to_string(), Some(3)),
        ("java/pom.xml".to_string(), Some(3)),
    ] {
        assert!(got.contains(&want), "{want:?} not in {:#?}", ws.diagnostics);
    }
    assert!(ws
        .diagnostics
        .iter()
        .any(|d| d.message == "member \"../outside\" escapes the repository"));
    assert!(ws
        .diagnostics
        .iter()
        .any(|d| d.message == "symlinked manifest not followed"));
    assert_eq!(dirs(&ws), vec!["crates/b"]);
}

/// No input may panic: manifests, lockfiles and ranges built from a tricky alphabet.
#[test]
fn garbage_never_panics() {
    let alphabet: Vec<&str> = vec![
        "\n",
        " ",
        "  ",
        "\t",
        ":",
        ": ",
        "- ",
        "-",
        "{",
        "}",
        "[",
        "]",
        ",",
        "'",
        "\"",
        "#",
        "|",
        ">",
        "\\",
        "/",
        "..",
        ".",
        "*",
        "**",
        "!",
        "@",
        "^",
        "~",
        "=",
        "<",
        ">=",
        "||",
        " - ",
        "1",
        "0.1.0",
        "x",
        "ñ",
        "é",
        "€",
        "\u{feff}",
        "(",
        ")",
        "${",
        "${x}",
        "<project>",
        "</project>",
        "<module>",
        "</module>",
        "<modules>",
        "&amp;",
        "&#x41;",
        "<!--",
        "-->",
        "[package]",
        "[workspace]",
        "members = [\"*\"]",
        "name = \"a\"",
        "path = \"..\"",
        "[[package]]",
        "dependencies",
        "workspace:",
        "link:",
        "catalog:",
        "npm:",
        "importers:",
        "packages:",
        "snapshots:",
        "version:",
        "module ",
        "require ",
        "replace ",
        "=>",
        "use ",
        "include(",
        "project(\":",
        "projects.",
        "implementation",
        "-e ",
        "-r ",
        "requirements.txt",
        "//",
        "/*",
        "*/",
        "[tool.uv.workspace]",
        "[tool.uv.sources]",
        "{ workspace = true }",
    ];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..250 {
        let mut gen = || {
            let n = (next() % 60) as usize;
            (0..n)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect::<String>()
        };
        let texts: Vec<String> = (0..14).map(|_| gen()).collect();
        let _ = yaml::parse(&texts[0]);
        let _ = semver::satisfies(&texts[1], "1.2.3");
        let _ = xml::parse_xml(&texts[2]);
        let _ = cargo::parse_lock(&texts[3]);
        let _ = npm::parse_pnpm_lock(&texts[4]);
        let _ = python::parse_uv_lock(&texts[5]);
        let _ = npm::parse_package_lock(&texts[7]);
        let _ = npm::parse_yarn_berry(&texts[0]);
        let _ = npm::parse_yarn_v1(
            &texts[4],
            &[(".".into(), vec![("a".into(), texts[1].clone())])],
        );
        let files = [
            ("Cargo.toml", texts[3].as_str()),
            ("a/Cargo.toml", &texts[6]),
            ("package.json", &texts[7]),
            ("pnpm-workspace.yaml", &texts[0]),
            ("pnpm-lock.yaml", &texts[4]),
            ("go.mod", &texts[8]),
            ("go.work", &texts[9]),
            ("pyproject.toml", &texts[10]),
            ("requirements.txt", &texts[11]),
            ("pom.xml", &texts[2]),
            ("settings.gradle", &texts[12]),
            ("build.gradle", &texts[13]),
            ("uv.lock", &texts[5]),
            ("Cargo.lock", &texts[1]),
            ("yarn.lock", &texts[4]),
            ("package-lock.json", &texts[7]),
        ];
        let (bs, hs) = revise(
            &files,
            &[
                ("Cargo.toml", Some(&texts[13])),
                ("package.json", Some(&texts[12])),
            ],
        );
        let r = run(&bs, &hs, &opts());
        let ws = discover(&hs, &Config::default());
        for f in [GraphFormat::Dot, GraphFormat::Mermaid, GraphFormat::Json] {
            let _ = render_graph(&ws, f);
        }
        let _ = serde_json::to_string(&r);
    }
}

/// Deep nesting must not overflow the stack in any reader.
#[test]
fn deep_nesting_is_refused_not_overflowed() {
    let n = 50_000;
    let toml_text = format!("a = {}{}", "[".repeat(n), "]".repeat(n));
    let json_text = format!("{{\"name\": {}{}}}", "[".repeat(n), "]".repeat(n));
    let yaml_flow = format!("packages: {}{}", "[".repeat(n), "]".repeat(n));
    let yaml_block: String = (0..5000)
        .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
        .collect();
    let xml = format!("{}{}", "<a>".repeat(n), "</a>".repeat(n));
    let snap = MemSnap::new(&[
        ("Cargo.toml", &toml_text),
        ("package.json", &json_text),
        ("pnpm-workspace.yaml", &yaml_flow),
        ("x/pnpm-workspace.yaml", &yaml_block),
        ("pom.xml", &xml),
    ]);
    let ws = discover(&snap, &Config::default());
    assert!(ws.packages.is_empty());
    assert!(ws.diagnostics.len() >= 4, "{:?}", ws.diagnostics);
}

/// The compiled name sets answer as the table's patterns do, one by one: for every pattern
/// (with its `*` spelled out three ways) and near misses of each.
#[test]
fn compiled_name_sets_match_the_table_patterns() {
    use crate::monorepo::ecosystems::{name_matches, ECOSYSTEMS};
    let patterns: Vec<&str> = ECOSYSTEMS
        .iter()
        .flat_map(|d| d.manifests.iter().chain(d.lockfiles).chain(d.presence))
        .copied()
        .collect();
    let mut names = vec!["README.md".to_string(), String::new(), "*".to_string()];
    for p in &patterns {
        for star in ["", "-dev", "*"] {
            let n = p.replace('*', star);
            names.push(n.clone());
            names.push(format!("{n}.bak"));
            names.push(n[1..].to_string());
            names.push(n.to_lowercase());
        }
    }
    let any = |list: fn(&crate::monorepo::ecosystems::Definition) -> &[&str], n: &str| {
        ECOSYSTEMS
            .iter()
            .any(|d| list(d).iter().any(|p| name_matches(p, n)))
    };
    let mut wild = 0;
    for n in &names {
        let presence = any(|d| d.presence, n);
        let manifest = any(|d| d.manifests, n);
        let lockfile = any(|d| d.lockfiles, n);
        assert_eq!(is_presence_input(n), presence, "{n:?}");
        assert_eq!(is_discovery_input(n), manifest, "{n:?}");
        assert_eq!(
            is_semantic_input(n),
            manifest || presence || lockfile,
            "{n:?}"
        );
        wild += usize::from(n.ends_with(".csproj") && manifest);
    }
    assert!(is_discovery_input("requirements-dev.txt"));
    assert!(!is_discovery_input("requirements.txt.bak"));
    assert!(is_discovery_input("App.csproj") && wild > 0);
}
