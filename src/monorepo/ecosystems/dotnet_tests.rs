//! .NET projects, solutions, `Directory.Build.props` and central package management
//! (rules 45-50).

use super::sln_projects;
use crate::monorepo::testutil::*;
use crate::monorepo::*;

fn project(body: &str) -> String {
    format!("<Project Sdk=\"Microsoft.NET.Sdk\">\n{body}\n</Project>\n")
}

const SLN: &str = "\u{feff}\r
Microsoft Visual Studio Solution File, Format Version 12.00\r
Project(\"{FAE04EC0-301F-11D3-BF4B-00C04F79EFBC}\") = \"App\", \"src\\App\\App.csproj\", \"{11111111-1111-1111-1111-111111111111}\"\r
EndProject\r
Project(\"{2150E333-8FDC-42A3-9474-1A3956D46DE8}\") = \"tests\", \"tests\", \"{22222222-2222-2222-2222-222222222222}\"\r
EndProject\r
Project(\"{F2A71F9B-5D33-465A-A702-920D77279786}\") = \"Lib, Tests\", \"tests\\Lib.Tests\\Lib.Tests.fsproj\", \"{33333333-3333-3333-3333-333333333333}\"\r
EndProject\r
Project(\"{FAE04EC0-301F-11D3-BF4B-00C04F79EFBC}\") = \"Lib\", \"src\\Lib\\Lib.csproj\", \"{44444444-4444-4444-4444-444444444444}\"\r
EndProject\r
Project(broken\r
Global\r
EndGlobal\r
";

const PACKAGES: &str = "<Project>
  <PropertyGroup><ManagePackageVersionsCentrally>true</ManagePackageVersionsCentrally></PropertyGroup>
  <ItemGroup>
    <PackageVersion Include=\"Newtonsoft.Json\" Version=\"13.0.1\" />
    <PackageVersion Include=\"Serilog\" Version=\"3.0.0\" />
  </ItemGroup>
</Project>
";

/// A solution of four projects (one reached only by reference, one by a build-order
/// reference), a project outside the solution, build props under `src/` and central
/// package versions at the root.
fn shop() -> Vec<(&'static str, String)> {
    vec![
        ("Shop.sln", SLN.to_string()),
        ("Directory.Packages.props", PACKAGES.to_string()),
        ("global.json", "{\"sdk\": {\"version\": \"8.0.100\"}}".to_string()),
        (
            "src/Directory.Build.props",
            "<Project><PropertyGroup><Nullable>enable</Nullable></PropertyGroup></Project>"
                .to_string(),
        ),
        (
            "src/App/App.csproj",
            project(
                "<ItemGroup>\n  <ProjectReference Include=\"..\\Lib\\Lib.csproj\" />\n  \
                 <ProjectReference Include=\"..\\..\\build\\Codegen\\Codegen.csproj\" ReferenceOutputAssembly=\"false\" />\n  \
                 <PackageReference Include=\"Serilog\" />\n</ItemGroup>",
            ),
        ),
        ("src/App/Program.cs", "class P {}".to_string()),
        (
            "src/Lib/Lib.csproj",
            project(
                "<PropertyGroup><AssemblyName>Shop.Lib</AssemblyName><Version>1.2.0</Version></PropertyGroup>\n\
                 <ItemGroup Condition=\"'$(Configuration)' == 'Debug'\">\n  \
                 <ProjectReference Include=\"..\\Util\\Util.vbproj\" />\n  \
                 <PackageReference Include=\"newtonsoft.json\" />\n</ItemGroup>",
            ),
        ),
        ("src/Util/Util.vbproj", project("")),
        ("src/Util/Util.vb", "Module U\nEnd Module".to_string()),
        (
            "tests/Lib.Tests/Lib.Tests.fsproj",
            project(
                "<PropertyGroup><PackageId>Shop.Tests</PackageId><AssemblyName>X</AssemblyName></PropertyGroup>\n\
                 <ItemGroup><ProjectReference Include=\"..\\..\\src\\Lib\\Lib.csproj\" /></ItemGroup>",
            ),
        ),
        ("build/Codegen/Codegen.csproj", project("")),
        ("tools/Gen/Gen.csproj", project("")),
        ("tools/Gen/Program.cs", "class G {}".to_string()),
    ]
}

fn borrow<'a>(files: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    files.iter().map(|(p, c)| (*p, c.as_str())).collect()
}

#[test]
fn sln_reader_takes_project_lines_and_skips_folders() {
    assert_eq!(
        sln_projects(SLN),
        vec![
            (3, "src\\App\\App.csproj".to_string()),
            (7, "tests\\Lib.Tests\\Lib.Tests.fsproj".to_string()),
            (9, "src\\Lib\\Lib.csproj".to_string()),
        ]
    );
    assert!(sln_projects("").is_empty());
    assert!(sln_projects("Project(\"{x}\") = \"a\"").is_empty());
}

#[test]
fn rule_45_project_files_names_and_versions() {
    let lib = project("<PropertyGroup><AssemblyName>$(Root).Lib</AssemblyName></PropertyGroup>");
    let files = [
        (
            "a/A.csproj",
            project("<PropertyGroup><Version>2.0.0</Version></PropertyGroup>"),
        ),
        ("b/B.fsproj", lib),
        ("c/C.vbproj", project("")),
        ("c/Second.csproj", project("")),
        ("node_modules/x/X.csproj", project("")),
        ("d/D.csproj", "<Project><ItemGroup>".to_string()),
    ];
    let ws = discover(&MemSnap::new(&borrow(&files)), &Config::default());
    let got: Vec<(&str, &str, Option<&str>)> = ws
        .packages
        .iter()
        .map(|p| (p.dir.as_str(), p.name.as_str(), p.version.as_deref()))
        .collect();
    // An AssemblyName built from a property falls back to the file name.
    assert_eq!(
        got,
        vec![
            ("a", "A", Some("2.0.0")),
            ("b", "B", None),
            ("c", "C", None)
        ]
    );
    assert!(ws.packages.iter().all(|p| p.ecosystem == Ecosystem::Dotnet));
    let diags: Vec<String> = ws.diagnostics.iter().map(|d| d.to_string()).collect();
    assert_eq!(diags.len(), 2, "{diags:?}");
    assert!(
        diags[0].starts_with("d/D.csproj:1: invalid XML"),
        "{diags:?}"
    );
    assert_eq!(
        diags[1],
        "c/Second.csproj: a second project in \"c\"; its files are charged to the first"
    );
}

#[test]
fn rule_46_solution_members_and_references() {
    let files = shop();
    let ws = discover(&MemSnap::new(&borrow(&files)), &Config::default());
    assert_eq!(
        dirs(&ws),
        vec![
            "build/Codegen",
            "src/App",
            "src/Lib",
            "src/Util",
            "tests/Lib.Tests"
        ]
    );
    assert_eq!(ws.barriers, vec!["tools/Gen"]);
    assert!(ws.diagnostics.is_empty(), "{:?}", ws.diagnostics);
    // Without a solution every project file is a member.
    let no_sln: Vec<_> = files
        .iter()
        .filter(|(p, _)| *p != "Shop.sln")
        .cloned()
        .collect();
    let ws = discover(&MemSnap::new(&borrow(&no_sln)), &Config::default());
    assert_eq!(ws.packages.len(), 6);
    assert!(ws.barriers.is_empty());
    // A .slnx lists projects as <Project Path>; a listed project that is missing is reported.
    let slnx = "<Solution>\n  <Folder Name=\"/src/\">\n    <Project Path=\"src/App/App.csproj\" />\n  </Folder>\n  <Project Path=\"src/Gone/Gone.csproj\" />\n</Solution>\n";
    let mut with_slnx: Vec<_> = no_sln.clone();
    with_slnx.push(("Shop.slnx", slnx.to_string()));
    let ws = discover(&MemSnap::new(&borrow(&with_slnx)), &Config::default());
    assert_eq!(
        dirs(&ws),
        vec!["build/Codegen", "src/App", "src/Lib", "src/Util"]
    );
    assert_eq!(ws.barriers, vec!["tests/Lib.Tests", "tools/Gen"]);
    let diags: Vec<String> = ws.diagnostics.iter().map(|d| d.to_string()).collect();
    assert_eq!(
        diags,
        vec!["Shop.slnx: project \"src/Gone/Gone.csproj\" does not exist"]
    );
}

#[test]
fn rule_47_project_references_with_windows_paths() {
    let files = shop();
    let ws = discover(&MemSnap::new(&borrow(&files)), &Config::default());
    let e = |a: &str, b: &str, k| (a.to_string(), b.to_string(), k);
    assert_eq!(
        edges(&ws),
        vec![
            e("src/App", "build/Codegen", EdgeKind::Build),
            e("src/App", "src/Lib", EdgeKind::Normal),
            e("src/Lib", "src/Util", EdgeKind::Normal),
            e("tests/Lib.Tests", "src/Lib", EdgeKind::Normal),
        ]
    );
    let base = borrow(&files);
    let (bs, hs) = revise(
        &base,
        &[("src/Util/Util.vb", Some("Module U2\nEnd Module"))],
    );
    let r = run(&bs, &hs, &opts());
    assert_eq!(
        pr(&r.changed),
        pairs(&[("src/Util", "changed: src/Util/Util.vb")])
    );
    assert_eq!(
        pr(&r.affected),
        pairs(&[
            ("src/App", "normal dependency of Shop.Lib"),
            ("src/Lib", "normal dependency of Util"),
            ("src/Util", "changed: src/Util/Util.vb"),
            ("tests/Lib.Tests", "normal dependency of Shop.Lib"),
        ])
    );
    // A project outside the solution is a barrier: its files are unowned.
    let (bs, hs) = revise(&base, &[("tools/Gen/Program.cs", Some("class G2 {}"))]);
    let r = run(&bs, &hs, &opts());
    assert!(r.affected.is_empty());
    assert_eq!(r.unowned, vec!["tools/Gen/Program.cs"]);
    // References that cannot be followed are reported with the project file.
    let bad = project(
        "<ItemGroup><ProjectReference Include=\"..\\..\\..\\Out.csproj;$(Root)\\X.csproj\" />\
         <ProjectReference Include=\"..\\Nope\\Nope.csproj\" /></ItemGroup>",
    );
    let ws = discover(
        &MemSnap::new(&[("src/A/A.csproj", bad.as_str())]),
        &Config::default(),
    );
    let diags: Vec<String> = ws.diagnostics.iter().map(|d| d.to_string()).collect();
    assert_eq!(
        diags,
        vec![
            "src/A/A.csproj: ProjectReference \"..\\\\..\\\\..\\\\Out.csproj\" escapes the repository",
            "src/A/A.csproj: ProjectReference \"$(Root)\\\\X.csproj\" uses an MSBuild property; not followed",
            "src/A/A.csproj: ProjectReference points to \"src/Nope/Nope.csproj\", which does not exist",
        ]
    );
}

#[test]
fn rule_48_package_references_are_dependency_names() {
    let files = shop();
    let ws = discover(&MemSnap::new(&borrow(&files)), &Config::default());
    let names = |dir: &str| {
        ws.packages
            .iter()
            .find(|p| p.dir == dir)
            .map(|p| p.dep_names.clone())
            .unwrap_or_default()
    };
    assert_eq!(names("src/App"), vec!["Serilog"]);
    assert_eq!(names("src/Lib"), vec!["newtonsoft.json"]);
    assert!(names("src/Util").is_empty());
    assert_eq!(
        registry_name(Ecosystem::Dotnet, "Newtonsoft.Json"),
        "newtonsoft.json"
    );
}

#[test]
fn rule_49_build_props_charge_every_project_below() {
    let files = shop();
    let base = borrow(&files);
    let props = "<Project><PropertyGroup><Nullable>disable</Nullable></PropertyGroup></Project>";
    let (bs, hs) = revise(&base, &[("src/Directory.Build.props", Some(props))]);
    let r = run(&bs, &hs, &opts());
    assert!(r.changed.is_empty());
    assert!(r.unowned.is_empty() && r.global.is_empty());
    let why = "imported file changed: src/Directory.Build.props";
    assert_eq!(
        pr(&r.affected),
        pairs(&[
            ("src/App", why),
            ("src/Lib", why),
            ("src/Util", why),
            ("tests/Lib.Tests", "normal dependency of Shop.Lib"),
        ])
    );
    // global.json pins the SDK of every project.
    let (bs, hs) = revise(
        &base,
        &[("global.json", Some("{\"sdk\": {\"version\": \"9.0.100\"}}"))],
    );
    let r = run(&bs, &hs, &opts());
    assert!(r.all);
    assert_eq!(r.all_reason.as_deref(), Some("global file: global.json"));
    assert_eq!(r.affected.len(), 5);
    // A solution edit only changes membership: the newly listed project is added.
    let sln = SLN.replace(
        "Global\r\n",
        "Project(\"{FAE04EC0-301F-11D3-BF4B-00C04F79EFBC}\") = \"Gen\", \"tools\\Gen\\Gen.csproj\", \"{5}\"\r\nEndProject\r\nGlobal\r\n",
    );
    let (bs, hs) = revise(&base, &[("Shop.sln", Some(&sln))]);
    let r = run(&bs, &hs, &opts());
    assert_eq!(pr(&r.changed), pairs(&[("tools/Gen", "added")]));
    assert_eq!(pr(&r.affected), pairs(&[("tools/Gen", "added")]));
    assert!(r.unowned.is_empty() && r.ignored.is_empty());
}

#[test]
fn rule_50_central_package_versions_charge_their_users() {
    let files = shop();
    let base = borrow(&files);
    let bumped = PACKAGES.replace("13.0.1", "13.0.3");
    let (bs, hs) = revise(&base, &[("Directory.Packages.props", Some(&bumped))]);
    let r = run(&bs, &hs, &opts());
    assert!(r.changed.is_empty());
    let why = "central package version Newtonsoft.Json changed: Directory.Packages.props";
    assert_eq!(
        pr(&r.affected),
        pairs(&[
            ("src/App", "normal dependency of Shop.Lib"),
            ("src/Lib", why),
            ("tests/Lib.Tests", "normal dependency of Shop.Lib"),
        ])
    );
    // Anything else in the file charges every project below it.
    let pinned = PACKAGES.replace(
        "</ManagePackageVersionsCentrally>",
        "</ManagePackageVersionsCentrally><CentralPackageTransitivePinningEnabled>true</CentralPackageTransitivePinningEnabled>",
    );
    let (bs, hs) = revise(&base, &[("Directory.Packages.props", Some(&pinned))]);
    let r = run(&bs, &hs, &opts());
    assert_eq!(r.affected.len(), 5);
    assert!(r
        .affected
        .iter()
        .all(|a| a.reason == "Directory.Packages.props changed beyond package versions"));
    // A new central version nobody references charges nothing.
    let added = PACKAGES.replace(
        "</ItemGroup>",
        "  <PackageVersion Include=\"xunit\" Version=\"2.9.0\" />\n  </ItemGroup>",
    );
    let (bs, hs) = revise(&base, &[("Directory.Packages.props", Some(&added))]);
    let r = run(&bs, &hs, &opts());
    assert!(r.affected.is_empty() && r.unowned.is_empty());
}
