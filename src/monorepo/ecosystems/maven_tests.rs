//! Maven reactors (rule 41).

use crate::monorepo::testutil::*;
use crate::monorepo::*;

#[test]
fn rule_41_maven_reactor() {
    let parent = "<parent><groupId>com.ex</groupId><artifactId>parent</artifactId><version>1.0</version></parent>";
    let root = pom(
        "<groupId>com.ex</groupId><artifactId>parent</artifactId><version>1.0</version><packaging>pom</packaging>\
         <modules><module>core</module><module>app</module><module>plugin</module><module>missing</module></modules>\
         <profiles><profile><id>it</id><modules><module>testkit/pom.xml</module></modules></profile></profiles>\
         <dependencyManagement><dependencies><dependency><groupId>com.ex</groupId><artifactId>core</artifactId></dependency></dependencies></dependencyManagement>",
    );
    let core = pom(&format!(
        "{parent}<artifactId>core</artifactId><modules><module>..</module></modules>"
    ));
    let app = pom(&format!(
        "{parent}<artifactId>app</artifactId><properties><kit>testkit</kit></properties><dependencies>\
         <dependency><groupId>${{project.groupId}}</groupId><artifactId>core</artifactId></dependency>\
         <dependency><groupId>com.ex</groupId><artifactId>${{kit}}</artifactId><scope>test</scope></dependency>\
         <dependency><groupId>org.other</groupId><artifactId>core</artifactId></dependency>\
         </dependencies><build><plugins><plugin><groupId>com.ex</groupId><artifactId>plugin</artifactId></plugin></plugins></build>"
    ));
    let plugin = pom(&format!("{parent}<artifactId>plugin</artifactId>"));
    let kit = pom(&format!("{parent}<artifactId>testkit</artifactId>"));
    let files = [
        ("pom.xml", root.as_str()),
        ("core/pom.xml", &core),
        ("app/pom.xml", &app),
        ("plugin/pom.xml", &plugin),
        ("testkit/pom.xml", &kit),
    ];
    let ws = discover(&MemSnap::new(&files), &Config::default());
    assert_eq!(dirs(&ws), vec!["", "app", "core", "plugin", "testkit"]);
    assert!(ws
        .packages
        .iter()
        .any(|p| p.name == "com.ex:core" && p.dir == "core"));
    let e = |a: &str, b: &str, k| (a.to_string(), b.to_string(), k);
    assert_eq!(
        edges(&ws),
        vec![
            e("app", "", EdgeKind::Normal),
            e("app", "core", EdgeKind::Normal),
            e("app", "testkit", EdgeKind::Dev),
            e("app", "plugin", EdgeKind::Build),
            e("core", "", EdgeKind::Normal),
            e("plugin", "", EdgeKind::Normal),
            e("testkit", "", EdgeKind::Normal),
        ]
        .into_iter()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect::<Vec<_>>()
    );
    assert_eq!(
        ws.diagnostics
            .iter()
            .map(|d| d.message.as_str())
            .collect::<Vec<_>>(),
        vec![
            "module \"missing\": missing/pom.xml does not exist",
            "module \"..\" points back to pom.xml: loop skipped"
        ]
    );
    let (bs, hs) = revise(&files, &[("core/src/main/java/A.java", Some("class A {}"))]);
    let r = run(&bs, &hs, &opts());
    assert_eq!(
        pr(&r.affected),
        pairs(&[
            ("app", "normal dependency of com.ex:core"),
            ("core", "changed: core/src/main/java/A.java")
        ])
    );
}
