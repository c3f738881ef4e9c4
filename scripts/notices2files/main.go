// Command notices2files moves the notices' e-mails and their labels, written
// as Go literals (notify.Register(notify.Kind{Messages: …, Labels: …}), the
// catalog's frame, the domains' label maps), into the locale files
// translators edit (internal/i18n/locales/*.toml):
//
//	go run ./scripts/notices2files
//
// It type-checks the packages that hold them, so a text is the constant the
// compiler sees (never retyped), and merges every message into its locale's
// file under a stable key; a key already there with another text is refused
// and nothing is written. Delete the Go literals afterwards. It was run once,
// when the notices moved; git history keeps it for a branch that still
// registers kinds with Messages literals.
package main

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/types"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
	"golang.org/x/tools/go/packages"
)

const dir = "internal/i18n/locales"

var pkgs = []string{
	"./internal/notify", "./internal/budget", "./internal/consultation", "./internal/dialogue", "./internal/ambassador",
}

// sharedLabels are the package-level label maps (code → locale → label)
// and the key prefix each code is appended to.
var sharedLabels = map[string]string{
	"notify.roleNames":             "label.account.role.",
	"dialogue.roleLabels":          "label.dialogue.role.",
	"ambassador.categoryLabels":    "label.ambassador.category.",
	"ambassador.outcomeLabels":     "label.ambassador.outcome.",
	"ambassador.defaultCriterionN": "label.ambassador.criterion.",
}

// inlineLabels are the label maps written inside a Kind, by kind and data
// key.
var inlineLabels = map[[2]string]string{
	{"dialogue_member_appointed", "until"}:       "label.dialogue.term_end.",
	{"dialogue_election_result", "outcome"}:      "label.dialogue.election_outcome.",
	{"dialogue_vote_decided", "outcome"}:         "label.dialogue.vote_outcome.",
	{"dialogue_opinion_requested", "due"}:        "label.dialogue.opinion_due.",
	{"ambassador_nomination_checked", "outcome"}: "label.ambassador.check_outcome.",
	{"ambassador_nomination_checked", "reason"}:  "label.ambassador.check_reason.",
	{"ambassador_announcement_held", "reason"}:   "label.ambassador.held_reason.",
}

// frame are the notify catalog's own single texts: var → key, and the
// placeholder {x} renamed to what it stands for.
var frame = map[string][2]string{
	"footer":      {"notice.frame.footer", ""},
	"roleLabel":   {"notice.line.role", "role"},
	"inviterLine": {"notice.line.inviter", "inviter"},
	"expiresLine": {"notice.line.expires", "until"},
}

type conv struct {
	pkg *packages.Package
	out map[string]map[string]string // locale → key → text
	err error
}

func main() {
	cfg := &packages.Config{Mode: packages.NeedName | packages.NeedSyntax | packages.NeedTypes | packages.NeedTypesInfo}
	loaded, err := packages.Load(cfg, pkgs...)
	if err != nil || packages.PrintErrors(loaded) > 0 {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
	out := map[string]map[string]string{}
	for _, p := range loaded {
		c := &conv{pkg: p, out: out}
		c.run()
		if c.err != nil {
			fmt.Fprintln(os.Stderr, c.err)
			os.Exit(1)
		}
	}
	for _, locale := range []string{"pl", "uk", "en", "ru"} {
		if err := merge(filepath.Join(dir, locale+".toml"), out[locale]); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Printf("%s: %d messages\n", locale, len(out[locale]))
	}
	// What a translator's file now says is what the Go literals said.
	for locale, msgs := range out {
		var file map[string]any
		if _, err := toml.DecodeFile(filepath.Join(dir, locale+".toml"), &file); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		for k, v := range msgs {
			if file[k] != v {
				fmt.Fprintf(os.Stderr, "%s: %s reads %q, not %q\n", locale, k, file[k], v)
				os.Exit(1)
			}
		}
	}
}

func (c *conv) fail(format string, args ...any) {
	if c.err == nil {
		c.err = fmt.Errorf(c.pkg.Name+": "+format, args...)
	}
}

func (c *conv) put(locale, key, text string) {
	if c.out[locale] == nil {
		c.out[locale] = map[string]string{}
	}
	if old, ok := c.out[locale][key]; ok && old != text {
		c.fail("%s/%s read twice with different texts", key, locale)
	}
	c.out[locale][key] = text
}

// str is the constant string value of e (a literal, a constant, a
// conversion of one).
func (c *conv) str(e ast.Expr) string {
	tv, ok := c.pkg.TypesInfo.Types[e]
	if !ok || tv.Value == nil || tv.Value.Kind() != constant.String {
		c.fail("%s: not a constant string", c.pkg.Fset.Position(e.Pos()))
		return ""
	}
	return constant.StringVal(tv.Value)
}

func (c *conv) lit(e ast.Expr) *ast.CompositeLit {
	l, ok := ast.Unparen(e).(*ast.CompositeLit)
	if !ok {
		c.fail("%s: not a composite literal", c.pkg.Fset.Position(e.Pos()))
		return &ast.CompositeLit{}
	}
	return l
}

// pairs are a map literal's keys and values.
func (c *conv) pairs(l *ast.CompositeLit) (keys []string, values []ast.Expr) {
	for _, e := range l.Elts {
		kv, ok := e.(*ast.KeyValueExpr)
		if !ok {
			c.fail("%s: not a key: value", c.pkg.Fset.Position(e.Pos()))
			continue
		}
		keys, values = append(keys, c.str(kv.Key)), append(values, kv.Value)
	}
	return keys, values
}

// messages reads locale → Message{Subject, Body} into prefix+"subject"/"body".
func (c *conv) messages(e ast.Expr, prefix string) {
	locales, values := c.pairs(c.lit(e))
	for i, l := range locales {
		m := c.lit(values[i])
		var subject, body ast.Expr
		for j, f := range m.Elts {
			if kv, ok := f.(*ast.KeyValueExpr); ok {
				switch kv.Key.(*ast.Ident).Name {
				case "Subject":
					subject = kv.Value
				case "Body":
					body = kv.Value
				}
				continue
			}
			if j == 0 {
				subject = f
			} else {
				body = f
			}
		}
		c.put(l, prefix+"subject", c.str(subject))
		c.put(l, prefix+"body", c.str(body))
	}
}

// texts reads locale → string into key.
func (c *conv) texts(e ast.Expr, key string) {
	locales, values := c.pairs(c.lit(e))
	for i, l := range locales {
		c.put(l, key, c.str(values[i]))
	}
}

// labels reads code → locale → label into prefix+code.
func (c *conv) labels(e ast.Expr, prefix string) {
	codes, values := c.pairs(c.lit(e))
	for i, code := range codes {
		c.texts(values[i], prefix+code)
	}
}

// vars are the package-level variables' initialisers, by name.
func (c *conv) vars() map[string]ast.Expr {
	out := map[string]ast.Expr{}
	for _, f := range c.pkg.Syntax {
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok {
				continue
			}
			for _, s := range g.Specs {
				vs, ok := s.(*ast.ValueSpec)
				if !ok {
					continue
				}
				for i, n := range vs.Names {
					if i < len(vs.Values) {
						out[n.Name] = vs.Values[i]
					}
				}
			}
		}
	}
	return out
}

func (c *conv) run() {
	vars := c.vars()
	for name, prefix := range sharedLabels {
		if pkg, v, _ := strings.Cut(name, "."); pkg == c.pkg.Name {
			c.labels(vars[v], prefix)
		}
	}
	switch c.pkg.Name {
	case "notify":
		names, values := c.pairs(c.lit(vars["accountMessages"]))
		for i, n := range names {
			c.messages(values[i], "notice."+n+".")
		}
		c.messages(vars["generic"], "notice.generic.")
		locales, values := c.pairs(c.lit(vars["digestText"]))
		for i, l := range locales {
			c.put(l, "notice.digest.intro", c.str(c.lit(values[i]).Elts[1]))
		}
		locales, values = c.pairs(c.lit(vars["greeting"]))
		for i, l := range locales {
			g := c.lit(values[i]).Elts
			c.put(l, "notice.frame.greeting", c.str(g[0]))
			c.put(l, "notice.frame.greeting_named", c.str(g[1]))
		}
		for v, spec := range frame {
			locales, values := c.pairs(c.lit(vars[v]))
			for i, l := range locales {
				text := c.str(values[i])
				if spec[1] != "" {
					if strings.Count(text, "{x}") != 1 {
						c.fail("%s/%s: no single {x}", v, l)
					}
					text = strings.ReplaceAll(text, "{x}", "{"+spec[1]+"}")
				}
				c.put(l, spec[0], text)
			}
		}
	case "consultation":
		// moderationLabels is built by a function: its names map.
		ast.Inspect(vars["moderationLabels"], func(n ast.Node) bool {
			if a, ok := n.(*ast.AssignStmt); ok && a.Lhs[0].(*ast.Ident).Name == "names" {
				c.labels(a.Rhs[0], "label.moderation.")
			}
			return true
		})
	}
	for _, f := range c.pkg.Syntax {
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) != 1 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "Register" {
				return true
			}
			fn, ok := c.pkg.TypesInfo.Uses[sel.Sel].(*types.Func)
			if !ok || fn.Pkg().Path() != "github.com/otwarty/otwarty/internal/notify" {
				return true
			}
			c.kind(c.lit(call.Args[0]))
			return true
		})
	}
}

// kind reads one notify.Kind literal.
func (c *conv) kind(k *ast.CompositeLit) {
	fields := map[string]ast.Expr{}
	for _, e := range k.Elts {
		kv := e.(*ast.KeyValueExpr)
		fields[kv.Key.(*ast.Ident).Name] = kv.Value
	}
	name := c.str(fields["Name"])
	if m, ok := fields["Messages"]; ok {
		c.messages(m, "notice."+name+".")
	} else {
		c.fail("kind %s without Messages", name)
	}
	labels, ok := fields["Labels"]
	if !ok {
		return
	}
	if id, ok := labels.(*ast.Ident); ok { // moderationLabels, read above
		fmt.Printf("%s: Labels %s\n", name, id.Name)
		return
	}
	keys, values := c.pairs(c.lit(labels))
	for i, key := range keys {
		if id, ok := values[i].(*ast.Ident); ok {
			prefix, ok := sharedLabels[c.pkg.Name+"."+id.Name]
			if !ok {
				c.fail("kind %s: %s: %s has no key prefix", name, key, id.Name)
			}
			fmt.Printf("%s: %s → %s\n", name, key, prefix)
			continue
		}
		prefix, ok := inlineLabels[[2]string{name, key}]
		if !ok {
			c.fail("kind %s: %s: inline labels without a key prefix", name, key)
			continue
		}
		fmt.Printf("%s: %s → %s\n", name, key, prefix)
		c.labels(values[i], prefix)
	}
}

// merge adds msgs to a locale file: its header comment and plural tables
// stay, its one-line messages are sorted with the new ones (as
// scripts/catalog2files does).
func merge(path string, msgs map[string]string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	lines := strings.Split(string(data), "\n")
	var header []string
	flat := map[string]string{} // key → the whole line
	rest := ""
	for i, l := range lines {
		switch {
		case strings.HasPrefix(l, "["):
			rest = strings.Join(lines[i:], "\n")
		case strings.HasPrefix(l, `"`):
			key, err := strconv.Unquote(l[:strings.Index(l, `" =`)+1])
			if err != nil {
				return fmt.Errorf("%s: %q: %w", path, l, err)
			}
			flat[key] = l
			continue
		case len(flat) == 0:
			header = append(header, l)
			continue
		default:
			continue
		}
		break
	}
	for k, v := range msgs {
		line := strconv.Quote(k) + " = " + tomlString(v)
		if old, ok := flat[k]; ok && old != line {
			return fmt.Errorf("%s: %s is there with another text; change it in the file", path, k)
		}
		flat[k] = line
	}
	keys := make([]string, 0, len(flat))
	for k := range flat {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(strings.TrimRight(strings.Join(header, "\n"), "\n") + "\n\n")
	for _, k := range keys {
		b.WriteString(flat[k] + "\n")
	}
	if rest != "" {
		b.WriteString("\n" + rest)
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

func tomlString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\t", `\t`)
	return `"` + r.Replace(s) + `"`
}
