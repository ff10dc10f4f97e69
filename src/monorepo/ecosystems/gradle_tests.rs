//! Gradle builds (rule 42).

use crate::monorepo::testutil::*;
use crate::monorepo::*;

#[test]
fn rule_42_gradle_projects_and_accessors() {
    let settings = "rootProject.name = \"demo\"\ninclude(\":lib:core\", \":app\")\ninclude(\":lib-utils\") // utils\nproject(\":lib-utils\").projectDir = file(\"libs/utils\")\n";
    let app = "dependencies {\n    implementation(project(\":lib:core\"))\n    testImplementation(projects.libUtils)\n}\n";
    let core = "dependencies {\n    api project(':lib-utils')\n    /* implementation project(':app') */\n}\n";
    let files = [
        ("settings.gradle.kts", settings),
        ("app/build.gradle.kts", app),
        ("lib/core/build.gradle", core),
        ("libs/utils/build.gradle.kts", ""),
    ];
    let ws = discover(&MemSnap::new(&files), &Config::default());
    assert_eq!(dirs(&ws), vec!["", "app", "lib/core", "libs/utils"]);
    assert_eq!(
        edges(&ws),
        vec![
            ("app".into(), "lib/core".into(), EdgeKind::Normal),
            ("app".into(), "libs/utils".into(), EdgeKind::Dev),
            ("lib/core".into(), "libs/utils".into(), EdgeKind::Normal),
        ]
    );
    let touched = format!("{settings}// touched\n");
    for f in [
        "settings.gradle.kts",
        "gradle.properties",
        "gradle/libs.versions.toml",
        "buildSrc/src/main/kotlin/x.kt",
    ] {
        let content = if f == "settings.gradle.kts" {
            touched.as_str()
        } else {
            "x = 1"
        };
        let (bs, hs) = revise(&files, &[(f, Some(content))]);
        let r = run(&bs, &hs, &opts());
        assert!(r.all, "{f}");
        assert_eq!(r.affected.len(), 4);
    }
    let (bs, hs) = revise(&files, &[("libs/utils/src/U.kt", Some("x"))]);
    let r = run(
        &bs,
        &hs,
        &AffectedOptions {
            mode: ClosureMode::DevOneHop,
            ..opts()
        },
    );
    assert_eq!(
        pr(&r.affected),
        pairs(&[
            ("app", "normal dependency of :lib:core"),
            ("lib/core", "normal dependency of :lib-utils"),
            ("libs/utils", "changed: libs/utils/src/U.kt"),
        ])
    );
}
