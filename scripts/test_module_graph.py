#!/usr/bin/env python3
"""Tests of scripts/module_graph.py on tiny fake crates written to a temporary directory.

    python3 -m unittest scripts/test_module_graph.py     (from the repo root)
    python3 scripts/test_module_graph.py
"""

import os
import subprocess
import sys
import tempfile
import textwrap
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import module_graph  # noqa: E402  (found through the path above)

TOOL = os.path.join(HERE, "module_graph.py")


class FakeCrate(unittest.TestCase):
    """Each test writes files under `src/` of a fresh temporary crate."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.root = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, files: dict[str, str]) -> None:
        for path, text in files.items():
            full = os.path.join(self.root, "src", path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "w", encoding="utf-8") as f:
                f.write(textwrap.dedent(text).lstrip("\n"))

    def edges(self, files: dict[str, str]) -> dict:
        self.write(files)
        modules = module_graph.load_crate(os.path.join(self.root, "src", "lib.rs"), self.root)
        return module_graph.crate_edges(modules)

    def run_tool(self, rules: str = "") -> subprocess.CompletedProcess:
        """The tool end to end on this crate, named `fake`, with extra rules."""
        path = os.path.join(self.root, "architecture.toml")
        with open(path, "w", encoding="utf-8") as f:
            f.write('[[crate]]\nname = "fake"\nroot = "src/lib.rs"\n\n'
                    '[[crate]]\nname = "later"\nroot = "src/main.rs"\n\n' + rules)
        return subprocess.run([sys.executable, TOOL, "--root", self.root, "--rules", path],
                              capture_output=True, text=True, check=False)

    def test_two_module_cycle_names_its_lines(self):
        self.write({
            "lib.rs": "mod a;\nmod b;\n",
            "a.rs": "use crate::b::Bee;\npub struct Ay;\n",
            "b.rs": "// use crate::a::Ay; in a comment does not count\n\npub struct Bee(crate::a::Ay);\n",
        })
        result = self.run_tool()
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn("fake: 3 modules, 2 edges, 1 cycle", result.stdout)
        self.assertIn("cycle: a, b", result.stdout)
        self.assertIn(f"a -> b: {os.path.join('src', 'a.rs')}:1", result.stdout)
        self.assertIn(f"b -> a: {os.path.join('src', 'b.rs')}:3", result.stdout)
        self.assertIn("later: skipped", result.stdout)

    def test_three_module_cycle_through_relative_and_super_paths(self):
        edges = self.edges({
            "lib.rs": "pub mod net;\n",
            "net/mod.rs": "mod a;\nmod b;\nmod c;\n",
            "net/a.rs": "use super::b::{self, Bee};\n",
            "net/b.rs": "pub struct Bee;\nfn f() { super::c::run(); }\n",
            "net/c.rs": "pub fn run() {\n    let s = \"crate::net::b::Bee\";\n    super::super::net::a::go();\n}\n",
        })
        self.assertEqual(set(edges), {("net::a", "net::b"), ("net::b", "net::c"), ("net::c", "net::a")})
        self.assertEqual(edges[("net::c", "net::a")], [(os.path.join("src", "net", "c.rs"), 3)])
        names = ["crate", "net", "net::a", "net::b", "net::c"]
        self.assertEqual(module_graph.cycles(names, edges), [["net::a", "net::b", "net::c"]])

    def test_clean_crate_is_silent(self):
        self.write({
            "lib.rs": """
                //! A crate. `use crate::worker::run;` in docs does not count.
                mod pool;
                mod worker;
                pub use pool::Pool;
                pub fn start() { worker::run(pool::Pool::new()); }
            """,
            "pool.rs": "pub struct Pool;\nimpl Pool { pub fn new() -> Self { Pool } }\n",
            "worker.rs": """
                use std::sync::Arc;
                use crate::pool::Pool;
                pub fn run(_: Pool) { let _ = Arc::new(1); let c = '"'; let l: &'static str = "}"; }
                #[cfg(test)]
                mod tests {
                    use super::*;
                    use crate::start;
                    mod helpers;
                }
            """,
        })
        result = self.run_tool()
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertEqual(result.stdout.splitlines()[0], "fake: 3 modules, 3 edges, no cycles")
        self.assertEqual(result.stderr, "")  # `mod helpers;` inside the tests is not looked for

    def test_reexport_of_child_is_no_dependency(self):
        edges = self.edges({
            "lib.rs": "mod child;\npub use child::Thing;\npub(crate) use child::{Other, *};\npub struct Root;\n",
            "child.rs": "pub struct Thing(crate::Root);\npub struct Other;\n",
        })
        self.assertEqual(set(edges), {("child", "crate")})

    def test_child_using_parent_item_while_parent_uses_child_is_a_cycle(self):
        edges = self.edges({
            "lib.rs": "mod commands;\n",
            "commands/mod.rs": """
                mod serve;
                pub struct Failure;
                pub fn dispatch() { serve::run(); }
            """,
            "commands/serve.rs": "use super::Failure;\npub fn run() -> Option<Failure> { None }\n",
        })
        self.assertEqual(set(edges), {("commands", "commands::serve"), ("commands::serve", "commands")})
        self.assertEqual(edges[("commands::serve", "commands")], [(os.path.join("src", "commands", "serve.rs"), 1)])
        self.assertEqual(len(module_graph.cycles(["crate", "commands", "commands::serve"], edges)), 1)

    def test_super_item_resolves_through_parent_reexport_to_sibling(self):
        edges = self.edges({
            "lib.rs": "mod a;\nmod b;\nmod c;\npub use b::Bee;\npub use c::*;\nfn go() { a::run(); }\n",
            "a.rs": "use super::Bee;\npub fn run() { super::Sea::new(); }\n",
            "b.rs": "pub struct Bee;\n",
            "c.rs": "pub struct Sea;\n",
        })
        self.assertEqual(set(edges), {("crate", "a"), ("a", "b"), ("a", "c")})

    def test_forbidden_edge_and_isolated_modules_are_reported(self):
        self.write({
            "lib.rs": "mod core;\nmod http;\n",
            "core.rs": "pub fn serve() { crate::http::v1::go(); }\n",
            "http/mod.rs": "pub mod v1;\npub mod libre;\n",
            "http/v1.rs": "pub fn go() {}\n",
            "http/libre.rs": "use super::v1::go;\n",
        })
        result = self.run_tool("""
            [[rule]]
            crate = "fake"
            description = "the core knows no HTTP"
            from = ["core", "core::*"]
            to = ["http", "http::*"]

            [[rule]]
            crate = "fake"
            description = "endpoints stay apart"
            isolated = ["http::v1", "http::libre", "http::not_there_yet"]

            [[rule]]
            crate = "later"
            description = "a crate that does not exist yet passes"
            from = ["*"]
            to = ["*"]
        """)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn("fake: 5 modules, 2 edges, no cycles", result.stdout)
        self.assertIn("rule broken (the core knows no HTTP):\n"
                      f"    core -> http::v1: {os.path.join('src', 'core.rs')}:1", result.stdout)
        self.assertIn("rule broken (endpoints stay apart):\n"
                      f"    http::libre -> http::v1: {os.path.join('src', 'http', 'libre.rs')}:1", result.stdout)

    def test_path_into_a_module_without_file_counts_no_edge(self):
        self.write({
            "lib.rs": "mod a;\nmod gone;\nfn f() { a::run(); }\n",
            "a.rs": "use crate::gone::Thing;\nuse crate::never_declared::Other;\npub fn run() {}\n",
        })
        result = self.run_tool()
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("fake: 2 modules, 1 edges, no cycles", result.stdout)
        self.assertIn("src/lib.rs:2: no file for `mod gone;`", result.stderr.replace(os.sep, "/"))
        self.assertIn("src/a.rs:2: `crate::never_declared::Other` counts no edge", result.stderr.replace(os.sep, "/"))

    def test_misspelt_rule_is_an_error(self):
        self.write({"lib.rs": "\n"})
        result = self.run_tool('[[rule]]\ncrate = "fake"\nform = ["a"]\nto = ["b"]\n')
        self.assertEqual(result.returncode, 2)


if __name__ == "__main__":
    unittest.main()
