//! uv, Poetry and pip (rules 38-40).

use crate::monorepo::testutil::*;
use crate::monorepo::*;

const UV_LOCK: &str = r#"version = 1
requires-python = ">=3.11"

[[package]]
name = "lib-a"
version = "0.1.0"
source = { editable = "packages/lib_a" }
dependencies = [{ name = "lib-b" }]

[[package]]
name = "lib-b"
version = "0.1.0"
source = { editable = "packages/lib_b" }
dependencies = [{ name = "requests" }]

[[package]]
name = "lib-c"
version = "0.1.0"
source = { editable = "packages/lib_c" }

[[package]]
name = "requests"
version = "2.31.0"
source = { registry = "https://pypi.org/simple" }
sdist = { url = "https://x/requests-2.31.0.tar.gz", hash = "sha256:aaa" }

[[package]]
name = "root-app"
version = "0.1.0"
source = { virtual = "." }
dependencies = [{ name = "lib-a" }]
"#;

#[test]
fn rule_38_uv_workspace() {
    let root = "[project]\nname = \"Root_App\"\nversion = \"0.1.0\"\ndependencies = [\"lib-a\"]\n\n[tool.uv.workspace]\nmembers = [\"packages/*\"]\nexclude = [\"packages/legacy\"]\n\n[tool.uv.sources]\nlib-a = { workspace = true }\n";
    let a = "[project]\nname = \"Lib.A\"\ndependencies = [\"lib_b[extra]>=1; python_version > '3.8'\"]\n\n[dependency-groups]\ndev = [\"lib-c\"]\n\n[tool.uv.sources]\nlib-b = { workspace = true }\nlib-c = { path = \"../lib_c\", editable = true }\n";
    let files = [
        ("pyproject.toml", root),
        ("uv.lock", UV_LOCK),
        ("packages/lib_a/pyproject.toml", a),
        (
            "packages/lib_b/pyproject.toml",
            "[project]\nname = \"lib-b\"\n",
        ),
        (
            "packages/lib_c/pyproject.toml",
            "[project]\nname = \"lib-c\"\n",
        ),
        (
            "packages/legacy/pyproject.toml",
            "[project]\nname = \"legacy\"\n",
        ),
        (
            "packages/lib_a/tests/fixture/pyproject.toml",
            "[project]\nname = \"fixture\"\n",
        ),
        ("packages/empty/README.md", "x"),
    ];
    let ws = discover(&MemSnap::new(&files), &Config::default());
    assert_eq!(
        dirs(&ws),
        vec!["", "packages/lib_a", "packages/lib_b", "packages/lib_c"]
    );
    assert_eq!(ws.packages[0].name, "root-app");
    assert_eq!(
        edges(&ws),
        vec![
            ("".into(), "packages/lib_a".into(), EdgeKind::Normal),
            (
                "packages/lib_a".into(),
                "packages/lib_b".into(),
                EdgeKind::Normal
            ),
            (
                "packages/lib_a".into(),
                "packages/lib_c".into(),
                EdgeKind::Dev
            ),
        ]
    );
    assert_eq!(ws.barriers, vec!["packages/legacy"]);
    assert_eq!(
        ws.owner(b"packages/lib_a/tests/fixture/x.py"),
        Owner::Package(PackageId(1))
    );
    assert_eq!(ws.diagnostics.len(), 1);
    assert_eq!(
        ws.diagnostics[0].message,
        "member \"packages/empty\" has no pyproject.toml"
    );
    let bump = UV_LOCK
        .replace("2.31.0", "2.32.0")
        .replace("sha256:aaa", "sha256:bbb");
    let (bs, hs) = revise(&files, &[("uv.lock", Some(&bump))]);
    let r = run(&bs, &hs, &opts());
    assert_eq!(
        pr(&r.affected),
        pairs(&[
            (".", "normal dependency of lib-a"),
            ("packages/lib_a", "normal dependency of lib-b"),
            ("packages/lib_b", "lockfile: requests 2.31.0 -> 2.32.0"),
        ])
    );
}

#[test]
fn rule_39_poetry_path_dependencies_and_pep508_file_urls() {
    let app = "[tool.poetry]\nname = \"app\"\n\n[tool.poetry.dependencies]\npython = \"^3.11\"\nlib = { path = \"../lib\", develop = true }\n\n[tool.poetry.group.test.dependencies]\ntst = { path = \"../tst\" }\n";
    let lib = "[project]\nname = \"lib\"\ndependencies = [\"x @ file:///${PROJECT_ROOT}/../x\"]\n";
    let ws = discover(
        &MemSnap::new(&[
            ("app/pyproject.toml", app),
            ("lib/pyproject.toml", lib),
            ("tst/pyproject.toml", "[tool.poetry]\nname = \"tst\"\n"),
            ("x/pyproject.toml", "[project]\nname = \"x\"\n"),
        ]),
        &Config::default(),
    );
    assert_eq!(
        edges(&ws),
        vec![
            ("app".into(), "lib".into(), EdgeKind::Normal),
            ("app".into(), "tst".into(), EdgeKind::Dev),
            ("lib".into(), "x".into(), EdgeKind::Normal),
        ]
    );
}

#[test]
fn rule_40_pip_requirements() {
    let ws = discover(
        &MemSnap::new(&[
            (
                "requirements.txt",
                "-r requirements/base.txt\n-e ./libs/x\nrequests==2.0  # pinned\n",
            ),
            (
                "requirements/base.txt",
                "./libs/y\n-r ../requirements.txt\n-r missing.txt\n",
            ),
            ("libs/x/pyproject.toml", "[project]\nname = \"x\"\n"),
            ("libs/y/setup.py", "from setuptools import setup\n"),
        ]),
        &Config::default(),
    );
    assert_eq!(dirs(&ws), vec!["", "libs/x", "libs/y"]);
    assert_eq!(
        edges(&ws),
        vec![
            ("".into(), "libs/x".into(), EdgeKind::Normal),
            ("".into(), "libs/y".into(), EdgeKind::Normal)
        ]
    );
    assert_eq!(
        ws.diagnostics,
        vec![
            Diagnostic {
                file: "requirements/base.txt".into(),
                line: None,
                message: "-r requirements.txt forms an include loop; skipped".into()
            },
            Diagnostic {
                file: "requirements/missing.txt".into(),
                line: None,
                message: "included requirements file does not exist".into()
            }
        ]
    );
}
