#!/usr/bin/env python3
"""Proves that no crate of the workspace has a module import cycle, and checks layering rules.

    scripts/module_graph.py [--root DIR] [--rules FILE] [--dot CRATE]

Exits 0 with one summary line per crate when all is well, 1 when a cycle or a rule violation is
found (each printed with `file:line` of the imports that make its edges), 2 on a bad rules file.
`--dot CRATE` prints that crate's module graph in Graphviz dot instead (edges in cycles in red).
The crates and the rules live in scripts/architecture.toml; standard library only (Python 3.11).

How the graph is built (a careful text scan, not a Rust parser; good enough for code that builds):

1. Source is read with comments (`//`, `///`, `//!`, nested `/* */`) and the contents of string,
   raw string and char literals blanked out, line numbers kept.
2. The module tree grows from the crate root through `mod NAME;` declarations (any visibility,
   any attributes before them, `#[path = "..."]` honoured): `NAME.rs` or `NAME/mod.rs` in the
   declaring file's directory, or in `a/b/` for a non-mod.rs file `a/b.rs`. `#[cfg(test)]`
   modules, inline or not, are left out: test code is no dependency. Other inline `mod NAME {}`
   blocks count as part of their file (so a `super::` inside one is read one level too high).
3. Every `use` tree is expanded (`a::{b, c::{d, self}, e as f}`) into single paths. The other
   paths in the code are found by their `::`; of all these, those starting with `crate::`,
   `self::`, `super::` (repeated or not) or the name of a child module of the current module
   (2018-edition relative paths) are resolved. Any other start is an external crate: ignored.
   A path through a module that has no file, or was never declared, counts no edge (warned).
4. A path resolves to the deepest module it names. When the next segment is a name a module
   imports (`use x::y::Item`, `pub use x::y::{Item, ..}`, or one of its `use x::y::*` globs), the
   import is followed to the module that defines the item, recursively. Private imports are
   followed too: a child's `super::Item` where the parent only imported Item from a sibling is a
   dependency on the sibling (the parent is a mere path), exactly as for a `pub use`. A name
   used bare (`Pool::new()` after `use crate::pool::Pool;`) is counted at its `use` line.
5. Self-edges are dropped. An edge from a module to one of its descendants made only by
   `pub use` / `pub(crate) use` lines is dropped too: a facade re-exporting its children does not
   depend on them. Every other edge counts, child -> ancestor and ancestor -> descendant included.
6. Cycles are the strongly connected components of more than one module (Tarjan). Rules:
   `from`/`except_from`/`to` forbid edges between fnmatch patterns of module names (`http::v1`,
   `crate` for the root); `isolated` lists modules (each with everything inside it) that must not
   import one another. A rule naming a crate or modules that do not exist yet is silently met.
"""

import argparse
import fnmatch
import os
import re
import sys
import tomllib
from dataclasses import dataclass, field

ROOT = "crate"  # the name of a crate's root module
ATTRS = r"(?P<attrs>(?:#\s*\[(?:[^\[\]]|\[[^\[\]]*\])*\]\s*)*)"
MOD_RE = re.compile(ATTRS + r"(?:\bpub\s*(?:\([^)]*\))?\s*)?\bmod\s+(?:r#)?(?P<name>\w+)\s*(?P<end>[;{])")
TEST_ATTR_RE = re.compile(r"\bcfg\s*\(\s*test\s*\)")
PATH_ATTR_RE = re.compile(r"#\s*\[\s*path\s*=\s*\"([^\"]*)\"\s*\]")
USE_RE = re.compile(r"(?<![\w$])(?P<vis>pub\s*(?:\([^)]*\))?\s*)?\buse\s+(?P<tree>[\w:{}\s,*#]+?)\s*;")
PUB_IN_RE = re.compile(r"\bpub\s*\(\s*in\s+[^)]*\)")  # `pub(in crate::a)` is no dependency
PATH_RE = re.compile(r"(?<![\w$:])(?:r#)?([A-Za-z_]\w*)((?:\s*::\s*(?:r#)?[A-Za-z_]\w*)+)")
ITEM_RE = re.compile(r"\b(?:fn|struct|enum|trait|type|const|static|union)\s+(?:r#)?(\w+)|\bmacro_rules!\s*(\w+)")
LITERAL_RE = re.compile(r"""//[^\n]*|/\*|(?<!\w)b?r(?P<hashes>#*)"|(?<!\w)b"|"|'(?:\\(?:x[0-9a-fA-F]{2}|u\{[0-9a-fA-F]+\}|.)|[^\\'\n])'""")


@dataclass
class Use:
    """One path of a `use` tree: `segs` as written, the name it binds (None for `*` or `as _`),
    whether it is a glob, whether it stands on a `pub use` / `pub(...) use` line, its line."""
    segs: list[str]
    name: str | None
    glob: bool
    reexport: bool
    line: int


@dataclass
class Module:
    name: str  # `crate`, `http`, `http::v1`
    file: str
    parent: str | None
    children: dict[str, str] = field(default_factory=dict)  # segment -> module name
    missing: set[str] = field(default_factory=set)  # declared children without a file
    uses: list[Use] = field(default_factory=list)
    items: set[str] = field(default_factory=set)  # names of items defined here
    paths: list[tuple[list[str], int]] = field(default_factory=list)  # other paths, with line


def blank(text: str) -> str:
    """Spaces for every character but newlines, so offsets and line numbers survive."""
    return re.sub(r"[^\n]", " ", text)


def strip_source(src: str) -> str:
    """Blanks comments and the contents of string and char literals (their quotes are kept, so
    `#[path = "x"]` can still be read from the original text at the same offsets)."""
    out, pos = [], 0
    while literal := LITERAL_RE.search(src, pos):
        token, start, stop = literal.group(0), literal.start(), literal.end()
        out.append(src[pos:start])
        if token.startswith("//"):
            end = stop
            out.append(blank(token))
        elif token == "/*":
            depth, end = 0, start
            while end < len(src):  # Rust block comments nest
                depth += {"/*": 1, "*/": -1}.get(src[end:end + 2], 0)
                end += 2 if src[end:end + 2] in ("/*", "*/") else 1
                if depth == 0:
                    break
            out.append(blank(src[start:end]))
        elif token.endswith('"'):
            if literal.group("hashes") is not None:  # raw string: no escapes, ends at `"#..`
                close = '"' + literal.group("hashes")
                stop = src.find(close, stop)
                stop = len(src) if stop < 0 else stop
                end = stop + len(close)
            else:
                while stop < len(src) and src[stop] != '"':
                    stop += 2 if src[stop] == "\\" else 1
                stop = min(stop, len(src))
                end = stop + 1
            out.append(token + blank(src[literal.end():stop]) + src[stop:end])
        else:  # a char literal; a lifetime's lone quote never matches
            end = stop
            out.append("'" + blank(token[1:-1]) + "'")
        pos = end
    out.append(src[pos:])
    return "".join(out)


def matching_brace(code: str, start: int) -> int:
    """Index just past the `}` closing the `{` at `start` (literals are already blanked)."""
    depth = 0
    for i in range(start, len(code)):
        depth += {"{": 1, "}": -1}.get(code[i], 0)
        if depth == 0:
            return i + 1
    return len(code)


def line_of(code: str, offset: int) -> int:
    return code.count("\n", 0, offset) + 1


def parse_use_tree(tokens: list[str], pos: int, prefix: list[str], out: list) -> int:
    """Expands one use tree from `tokens[pos]` into (segments, bound name, is_glob) triples;
    returns the position after it. `a::{self as b}` binds `b` to `a`."""
    segs = list(prefix)
    while True:
        tok = tokens[pos]
        if tok == "{":
            pos += 1
            while tokens[pos] != "}":
                pos = parse_use_tree(tokens, pos, segs, out)
                if tokens[pos] == ",":
                    pos += 1
            return pos + 1
        if tok == "*":
            out.append((segs, None, True))
            return pos + 1
        segs.append(tok)  # a leading `::` stays as a segment: it marks an external crate
        pos += 1
        if tok != "::" and pos < len(tokens) and tokens[pos] == "::":
            pos += 1
        elif tok != "::":
            break
    if segs[-1] == "self":
        segs = segs[:-1]
    name = segs[-1] if segs else None
    if pos < len(tokens) and tokens[pos] == "as":
        name = None if tokens[pos + 1] == "_" else tokens[pos + 1]
        pos += 2
    out.append((segs, name, False))
    return pos


def scan_module(mod: Module, code: str) -> None:
    """Fills a module's imports, items and other paths from its stripped, test-free code."""
    code = PUB_IN_RE.sub(lambda m: blank(m.group(0)), code)
    for m in USE_RE.finditer(code):
        tokens = re.findall(r"r#\w+|\w+|::|[{},*]", m.group("tree"))
        tokens = [t[2:] if t.startswith("r#") else t for t in tokens]
        triples: list = []
        try:
            pos = 0
            while pos < len(tokens):
                pos = parse_use_tree(tokens, pos, [], triples)
        except IndexError:
            print(f"warning: {mod.file}:{line_of(code, m.start())}: unreadable use", file=sys.stderr)
        for segs, name, glob in triples:
            if segs:
                mod.uses.append(Use(segs, name, glob, bool(m.group("vis")), line_of(code, m.start())))
    code = USE_RE.sub(lambda m: blank(m.group(0)), code)
    for m in ITEM_RE.finditer(code):
        mod.items.add(m.group(1) or m.group(2))
    for m in PATH_RE.finditer(code):
        segs = [m.group(1)] + [s.strip().removeprefix("r#") for s in m.group(2).split("::")[1:]]
        mod.paths.append((segs, line_of(code, m.start())))


def load_crate(root_file: str, shown_root: str) -> dict[str, Module]:
    """Reads the module tree from the root file; returns modules by name. A declared module whose
    file is missing is reported on stderr and left out (rustc would refuse it anyway); paths into
    it count no edge."""
    modules: dict[str, Module] = {}

    def load(name: str, path: str, parent: str | None, mod_rs: bool) -> None:
        with open(path, encoding="utf-8") as f:
            src = f.read()
        code = strip_source(src)
        mod = Module(name, os.path.relpath(path, shown_root), parent)
        modules[name] = mod
        child_dir = os.path.dirname(path)
        if not mod_rs:
            child_dir = os.path.join(child_dir, os.path.splitext(os.path.basename(path))[0])
        declared, test_end = [], 0
        for m in MOD_RE.finditer(code):
            attrs = m.group("attrs")
            if m.start() < test_end:
                continue  # inside a test module already blanked
            if TEST_ATTR_RE.search(attrs):
                test_end = m.end() if m.group("end") == ";" else matching_brace(code, m.end() - 1)
                code = code[:m.start()] + blank(code[m.start():test_end]) + code[test_end:]
            elif m.group("end") == ";":
                path_attr = PATH_ATTR_RE.search(src, m.start(), m.start() + len(attrs))
                declared.append((m.group("name"), path_attr.group(1) if path_attr else None, m.start()))
        for child, path_attr, offset in declared:
            if path_attr:  # files named by #[path] own their directory, like mod.rs
                candidates = [(os.path.join(os.path.dirname(path), path_attr), True)]
            else:
                candidates = [(os.path.join(child_dir, child + ".rs"), False),
                              (os.path.join(child_dir, child, "mod.rs"), True)]
            found = [c for c in candidates if os.path.isfile(c[0])]
            if not found:
                print(f"warning: {mod.file}:{line_of(code, offset)}: no file for `mod {child};`", file=sys.stderr)
                mod.missing.add(child)
                continue
            full = child if name == ROOT else f"{name}::{child}"
            mod.children[child] = full
            load(full, found[0][0], name, found[0][1])
        scan_module(mod, code)

    load(ROOT, root_file, None, True)
    return modules


class Unresolved(Exception):
    """A path through a module that is not there: declared without a file, or never declared
    (`crate::app::x` with no `mod app;`). Such code does not build; no edge is guessed for it."""


class Resolver:
    """Resolves paths of one crate to the modules that define what they name."""

    def __init__(self, modules: dict[str, Module]):
        self.modules = modules
        self.imports = {n: {u.name: u for u in m.uses if u.name and not u.glob} for n, m in modules.items()}
        self.globs = {n: [u for u in m.uses if u.glob] for n, m in modules.items()}

    def resolve(self, ctx: str, segs: list[str], depth: int = 0) -> tuple[str, int] | None:
        """(module, segments left unconsumed) for a path written in module `ctx`, or None when
        the path leaves the crate (external crate, or `super` above the root)."""
        first, i, mod = segs[0], 1, ctx
        if first == "crate":
            mod = ROOT
        elif first == "super":
            i = 0
            while i < len(segs) and segs[i] == "super":
                mod, i = self.modules[mod].parent, i + 1
                if mod is None:
                    return None
        elif first != "self":
            if first not in self.modules[ctx].children and first not in self.modules[ctx].missing:
                return None
            i = 0
        return self.descend(mod, segs, i, depth)

    def descend(self, mod: str, segs: list[str], i: int, depth: int) -> tuple[str, int]:
        """Walks segments down child modules and through imports, as deep as they go."""
        while i < len(segs) and depth < 20:
            seg, here = segs[i], self.modules[mod]
            if seg in here.missing:
                raise Unresolved(f"`mod {seg};` of {mod} has no file")
            if seg in here.children:
                mod, i = here.children[seg], i + 1
                continue
            imported = self.imports[mod].get(seg)
            if imported is None:
                via = None if seg in here.items else self.glob_provider(mod, seg, depth)
                if via is None and seg not in here.items and i + 1 < len(segs):
                    raise Unresolved(f"{mod} has no module, item or import `{seg}`")
                if via is None:
                    break
                mod, depth = via, depth + 1  # look the same segment up again there
                continue
            hit = self.resolve(mod, imported.segs, depth + 1)
            if hit is None:  # imported from another crate: the path stops in this module
                break
            mod, i = hit[0], i + 1
            if hit[1] > 0:  # the import names an item: what follows are its members
                break
        return mod, len(segs) - i

    def provides(self, mod: str, seg: str, depth: int) -> bool:
        """Whether `mod::seg` exists as far as this scan can tell."""
        here = self.modules[mod]
        return (seg in here.children or seg in here.items or seg in self.imports[mod]
                or self.glob_provider(mod, seg, depth + 1) is not None)

    def glob_provider(self, mod: str, seg: str, depth: int) -> str | None:
        """The module one of `mod`'s `use x::*` globs takes `seg` from, if any."""
        if depth > 20:
            return None
        for glob in self.globs[mod]:
            try:
                hit = self.resolve(mod, glob.segs, depth + 1)
            except Unresolved:
                continue
            if hit and hit[1] == 0 and hit[0] != mod and self.provides(hit[0], seg, depth + 1):
                return hit[0]
        return None


def crate_edges(modules: dict[str, Module]) -> dict[tuple[str, str], list[tuple[str, int]]]:
    """Counted edges (from, to) -> [(file, line), ...], by the rules of the docstring."""
    resolver, edges, warned = Resolver(modules), {}, set()
    for name, mod in modules.items():
        found = [(u.segs, u.line, u.reexport) for u in mod.uses]
        found += [(segs, line, False) for segs, line in mod.paths]
        for segs, line, reexport in found:
            try:
                hit = resolver.resolve(name, segs)
            except Unresolved as why:
                if (mod.file, line) not in warned:  # once a line: a `use` group repeats itself
                    warned.add((mod.file, line))
                    print(f"warning: {mod.file}:{line}: `{'::'.join(segs)}` counts no edge: {why}", file=sys.stderr)
                continue
            if hit is None or hit[0] == name:
                continue
            if reexport and (name == ROOT or hit[0].startswith(name + "::")):
                continue  # a facade, not a dependency
            places = edges.setdefault((name, hit[0]), [])
            if (mod.file, line) not in places:
                places.append((mod.file, line))
    return edges


def cycles(names: list[str], edges: dict) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    succ = {n: sorted(b for a, b in edges if a == n) for n in names}
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(n: str) -> None:
        index[n] = low[n] = len(index)
        stack.append(n)
        on_stack.add(n)
        for m in succ[n]:
            if m not in index:
                visit(m)
                low[n] = min(low[n], low[m])
            elif m in on_stack:
                low[n] = min(low[n], index[m])
        if low[n] == index[n]:
            component = []
            while not component or component[-1] != n:
                component.append(stack.pop())
                on_stack.discard(component[-1])
            if len(component) > 1:
                found.append(sorted(component))

    for n in sorted(names):
        if n not in index:
            visit(n)
    return sorted(found)


def places_text(places: list[tuple[str, int]]) -> str:
    """`a.rs:3,9 b.rs:4`: every import line that makes one edge, grouped by file."""
    by_file: dict[str, list[str]] = {}
    for file, line in places:
        by_file.setdefault(file, []).append(str(line))
    return " ".join(f"{file}:{','.join(lines)}" for file, lines in by_file.items())


def member(name: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatchcase(name, p) for p in patterns)


def isolated_group(name: str, patterns: list[str]) -> str | None:
    """The pattern of an `isolated` rule that a module falls under, itself or as a descendant."""
    for pattern in patterns:
        if fnmatch.fnmatchcase(name, pattern) or name.startswith(pattern + "::"):
            return pattern
    return None


def violations(rule: dict, edges: dict) -> list[tuple[str, str]]:
    """The edges a rule forbids."""
    broken = []
    for a, b in sorted(edges):
        if "isolated" in rule:
            group_a, group_b = isolated_group(a, rule["isolated"]), isolated_group(b, rule["isolated"])
            if group_a and group_b and group_a != group_b:
                broken.append((a, b))
        elif member(a, rule["from"]) and not member(a, rule.get("except_from", [])) and member(b, rule["to"]):
            broken.append((a, b))
    return broken


RULE_SHAPES = ({"isolated"}, {"from", "to"}, {"from", "to", "except_from"})


def load_rules(path: str) -> tuple[list[dict], list[dict]]:
    """Crates and rules from the TOML file, checked for typos (a misspelt key must not pass)."""
    with open(path, "rb") as f:
        data = tomllib.load(f)
    crates, rules = data.get("crate", []), data.get("rule", [])
    for rule in rules:
        if "crate" not in rule or set(rule) - {"crate", "description"} not in RULE_SHAPES:
            raise ValueError(f"a rule needs crate and either isolated or from, to (and except_from): {rule}")
    for crate in crates:
        if set(crate) != {"name", "root"}:
            raise ValueError(f"a crate needs exactly name and root: {crate}")
    return crates, rules


def dot(name: str, modules: dict, edges: dict) -> str:
    """The module graph in Graphviz dot; edges inside a cycle in red."""
    group_of = {m: i for i, group in enumerate(cycles(list(modules), edges)) for m in group}
    lines = [f'digraph "{name}" {{', "  rankdir=LR;", "  node [shape=box, fontname=monospace];"]
    lines += [f'  "{m}";' for m in sorted(modules)]
    for a, b in sorted(edges):
        red = a in group_of and group_of[a] == group_of.get(b)
        lines.append(f'  "{a}" -> "{b}"' + (" [color=red]" if red else "") + ";")
    return "\n".join(lines + ["}"])


def check_crate(name: str, modules: dict, rules: list[dict]) -> bool:
    """Prints the crate's summary line, then its cycles and broken rules; True if all is well."""
    edges = crate_edges(modules)
    found = cycles(list(modules), edges)
    status = "no cycles" if not found else "1 cycle" if len(found) == 1 else f"{len(found)} cycles"
    print(f"{name}: {len(modules)} modules, {len(edges)} edges, {status}")
    for group in found:
        print(f"  cycle: {', '.join(group)}")
        for a, b in sorted(edges):
            if a in group and b in group:
                print(f"    {a} -> {b}: {places_text(edges[(a, b)])}")
    broken = 0
    for rule in rules:
        if not fnmatch.fnmatchcase(name, rule["crate"]):
            continue
        for a, b in violations(rule, edges):
            broken += 1
            print(f"  rule broken ({rule.get('description', 'no description')}):")
            print(f"    {a} -> {b}: {places_text(edges[(a, b)])}")
    return not found and not broken


def main() -> int:
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", default=os.path.dirname(here), help="workspace root (default: the repo)")
    parser.add_argument("--rules", default=os.path.join(here, "architecture.toml"), help="crates and rules")
    parser.add_argument("--dot", metavar="CRATE", help="print this crate's module graph in dot and exit")
    args = parser.parse_args()
    try:
        crates, rules = load_rules(args.rules)
    except (OSError, ValueError, tomllib.TOMLDecodeError) as error:
        print(f"error: {args.rules}: {error}", file=sys.stderr)
        return 2
    all_well = True
    for crate in crates:
        root_file = os.path.join(args.root, crate["root"])
        if args.dot and crate["name"] != args.dot:
            continue
        if not os.path.isfile(root_file):
            if not args.dot:
                print(f"{crate['name']}: skipped, {crate['root']} does not exist")
            continue
        modules = load_crate(root_file, args.root)
        if args.dot:
            print(dot(crate["name"], modules, crate_edges(modules)))
            return 0
        all_well = check_crate(crate["name"], modules, rules) and all_well
    if args.dot:
        print(f"error: no crate {args.dot} in {args.rules}, or its root does not exist", file=sys.stderr)
        return 2
    return 0 if all_well else 1


if __name__ == "__main__":
    sys.exit(main())
