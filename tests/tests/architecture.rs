//! The dependency rule of design.md, checked on the real resolved graph
//! (`cargo metadata`): `core` depends on no async runtime, database or HTTP
//! crate, even transitively; `ports` depends on no workspace crate but
//! `core`; `application` on `core` and `ports` only; an adapter never on
//! another adapter (but the process primitives of `adapters-system`) nor on
//! an app; only the composition root (`histologe-runtime`) and the binaries
//! that are tools over one adapter (`histologe-scale` over SQL) name an
//! adapter; and the web crate reaches no database crate itself.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use serde_json::Value;

/// Crates that mean I/O: async runtimes, databases, HTTP, object storage.
const INFRASTRUCTURE: &[&str] = &[
    "tokio",
    "async-std",
    "smol",
    "async-io",
    "mio",
    "sqlx",
    "sqlx-core",
    "sqlx-mysql",
    "sqlx-sqlite",
    "diesel",
    "rusqlite",
    "libsqlite3-sys",
    "mysql",
    "mysql_async",
    "sea-orm",
    "postgres",
    "tokio-postgres",
    "redis",
    "hyper",
    "reqwest",
    "axum",
    "http",
    "ureq",
    "isahc",
    "surf",
    "actix-web",
    "tower",
    "object_store",
    "aws-sdk-s3",
];

/// name → (workspace member?, normal dependencies).
type Graph = BTreeMap<String, (bool, BTreeSet<String>)>;

fn workspace_graph() -> Graph {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    // Only the host's platform: other targets' crates need not be downloaded.
    let rustc = Command::new("rustc")
        .arg("-vV")
        .output()
        .expect("rustc -vV runs");
    let host = String::from_utf8_lossy(&rustc.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: ").map(str::to_string))
        .expect("rustc -vV names the host");
    let output = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--locked",
            "--filter-platform",
            &host,
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let meta: Value = serde_json::from_slice(&output.stdout).expect("cargo metadata prints JSON");
    let members: BTreeSet<&str> = meta["workspace_members"]
        .as_array()
        .expect("workspace_members")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let names: BTreeMap<&str, &str> = meta["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|p| {
            (
                p["id"].as_str().unwrap_or(""),
                p["name"].as_str().unwrap_or(""),
            )
        })
        .collect();
    let mut graph = Graph::new();
    for node in meta["resolve"]["nodes"].as_array().expect("resolve.nodes") {
        let id = node["id"].as_str().unwrap_or("");
        let deps: BTreeSet<String> = node["deps"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|d| {
                // Keep normal dependencies only: dev-dependencies are the tests' business.
                d["dep_kinds"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|k| k["kind"].is_null())
            })
            .filter_map(|d| d["pkg"].as_str())
            .map(|pkg| names.get(pkg).copied().unwrap_or(pkg).to_string())
            .collect();
        let name = names.get(id).copied().unwrap_or(id).to_string();
        graph.insert(name, (members.contains(id), deps));
    }
    graph
}

fn closure<'a>(graph: &'a Graph, root: &str) -> BTreeSet<&'a str> {
    let mut seen = BTreeSet::new();
    let mut stack = vec![root];
    while let Some(name) = stack.pop() {
        if let Some((_, deps)) = graph.get(name) {
            for d in deps {
                if seen.insert(d.as_str()) {
                    stack.push(d.as_str());
                }
            }
        }
    }
    seen
}

fn workspace_deps<'a>(graph: &'a Graph, name: &str) -> BTreeSet<&'a str> {
    graph
        .get(name)
        .map(|(_, deps)| {
            deps.iter()
                .filter(|d| graph.get(d.as_str()).is_some_and(|(member, _)| *member))
                .map(String::as_str)
                .collect()
        })
        .unwrap_or_default()
}

fn is_adapter(name: &str) -> bool {
    name.starts_with("histologe-adapters-")
}

fn is_app(name: &str) -> bool {
    name.starts_with("histologe-app")
        || name == "histologe-web"
        || name == "histologe-worker"
        || name == "histologe-runtime"
        || name == "histologe-demo"
        || name == "histologe-scale"
}

/// The clock, ids and in-process state every process has: a crate of
/// primitives other adapters may build on (decision 0028).
const SYSTEM_ADAPTER: &str = "histologe-adapters-system";

/// The crates allowed to name adapters: the composition root, and the
/// scale tools, which write and sample the SQL database directly.
const WIRES_ADAPTERS: &[&str] = &["histologe-runtime", "histologe-scale"];

/// Database crates the web crate must not name: its handlers go through
/// the use cases.
const DATABASE: &[&str] = &["sqlx", "sqlx-core", "sqlx-mysql", "sqlx-sqlite", "redis"];

/// The e-mail templates crate.
const EMAILS: &str = "histologe-emails";

/// Every broken rule, as a sentence.
fn violations(graph: &Graph) -> Vec<String> {
    let mut found = Vec::new();
    let infra_in = |name: &str| -> Vec<String> {
        closure(graph, name)
            .into_iter()
            .filter(|d| INFRASTRUCTURE.contains(d))
            .map(str::to_string)
            .collect()
    };
    for bad in infra_in("histologe-core") {
        found.push(format!("histologe-core depends on {bad} (I/O crate)"));
    }
    for name in ["histologe-ports", "histologe-application"] {
        for bad in infra_in(name) {
            found.push(format!("{name} depends on {bad} (I/O crate)"));
        }
    }
    for d in workspace_deps(graph, "histologe-core") {
        found.push(format!("histologe-core depends on workspace crate {d}"));
    }
    for d in workspace_deps(graph, "histologe-ports") {
        if d != "histologe-core" {
            found.push(format!(
                "histologe-ports depends on {d}; only histologe-core is allowed"
            ));
        }
    }
    // The e-mails' templates are pure rendering (decision 0029): the
    // application may use them, and they depend on nothing of ours nor on
    // any I/O crate.
    for d in workspace_deps(graph, "histologe-application") {
        if d != "histologe-core" && d != "histologe-ports" && d != EMAILS {
            found.push(format!("histologe-application depends on {d}"));
        }
    }
    if graph.contains_key(EMAILS) {
        for d in workspace_deps(graph, EMAILS) {
            found.push(format!("{EMAILS} depends on workspace crate {d}"));
        }
        for bad in infra_in(EMAILS) {
            found.push(format!("{EMAILS} depends on {bad} (I/O crate)"));
        }
    }
    for name in graph.keys().filter(|n| is_adapter(n)) {
        for d in workspace_deps(graph, name) {
            if (is_adapter(d) && d != SYSTEM_ADAPTER) || is_app(d) || d == "histologe-application" {
                found.push(format!(
                    "{name} depends on {d}: adapters depend on core and ports only"
                ));
            }
        }
    }
    for name in graph
        .iter()
        .filter(|(n, (member, _))| {
            *member && !is_adapter(n) && !WIRES_ADAPTERS.contains(&n.as_str())
        })
        .map(|(n, _)| n.as_str())
    {
        for d in workspace_deps(graph, name) {
            if is_adapter(d) && name != "histologe-tests" {
                found.push(format!(
                    "{name} depends on {d}: only the composition root wires adapters"
                ));
            }
        }
    }
    if let Some((_, deps)) = graph.get("histologe-web") {
        for d in deps.iter().filter(|d| DATABASE.contains(&d.as_str())) {
            found.push(format!(
                "histologe-web depends on {d}: the web crate reaches the database through the use cases"
            ));
        }
    }
    found
}

#[test]
fn the_workspace_follows_the_dependency_rule() {
    let graph = workspace_graph();
    assert!(
        graph.contains_key("histologe-core"),
        "histologe-core not found in cargo metadata"
    );
    let found = violations(&graph);
    assert!(
        found.is_empty(),
        "dependency rule broken:\n{}",
        found.join("\n")
    );
}

fn synthetic(edges: &[(&str, &str)]) -> Graph {
    let mut graph = Graph::new();
    for (from, to) in edges {
        for n in [from, to] {
            graph
                .entry(n.to_string())
                .or_insert_with(|| (n.starts_with("histologe-"), BTreeSet::new()));
        }
        graph
            .get_mut(*from)
            .map(|(_, deps)| deps.insert(to.to_string()));
    }
    graph
}

/// The check itself must be able to fail: each broken rule is reported.
#[test]
fn the_check_reports_each_broken_rule() {
    let graph = synthetic(&[
        ("histologe-core", "chrono"),
        ("chrono", "tokio"),
        ("histologe-ports", "histologe-core"),
        ("histologe-ports", "histologe-adapters-memory"),
        ("histologe-application", "histologe-adapters-mysql"),
        ("histologe-adapters-mysql", "histologe-adapters-storage"),
        ("histologe-adapters-storage", "histologe-web"),
        ("histologe-adapters-memory", "histologe-adapters-system"),
        ("histologe-web", "histologe-adapters-sql"),
        ("histologe-web", "sqlx"),
        ("histologe-runtime", "histologe-adapters-sql"),
    ]);
    let found = violations(&graph);
    let expected = [
        "histologe-core depends on tokio (I/O crate)",
        "histologe-ports depends on histologe-adapters-memory; only histologe-core is allowed",
        "histologe-application depends on histologe-adapters-mysql",
        "histologe-adapters-mysql depends on histologe-adapters-storage: adapters depend on core and ports only",
        "histologe-adapters-storage depends on histologe-web: adapters depend on core and ports only",
        "histologe-web depends on histologe-adapters-sql: only the composition root wires adapters",
        "histologe-web depends on sqlx: the web crate reaches the database through the use cases",
    ];
    for e in expected {
        assert!(
            found.iter().any(|f| f == e),
            "missing violation `{e}` in {found:?}"
        );
    }
    for allowed in ["histologe-adapters-memory", "histologe-runtime"] {
        assert!(
            !found.iter().any(|f| f.starts_with(allowed)),
            "{allowed}'s edge is allowed: {found:?}"
        );
    }
}
